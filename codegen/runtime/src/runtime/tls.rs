//! TLS: trusted roots given as PEM, and telling TLS failures apart from other connect failures.

use crate::runtime::Error;

/// Parses a PEM bundle of one or more root certificates to trust.
pub(crate) fn parse_roots(pem: &[u8]) -> Result<Vec<reqwest::Certificate>, Error> {
    let roots = reqwest::Certificate::from_pem_bundle(pem)
        .map_err(|e| Error::config(format!("root certificate PEM: {e}")))?;
    if roots.is_empty() {
        return Err(Error::config(
            "root certificate PEM holds no `BEGIN CERTIFICATE` block",
        ));
    }
    Ok(roots)
}

/// The rustls error somewhere in an error's source chain, if any. `std::io::Error` wrappers are
/// looked through with `get_ref` (their `source` skips the wrapped error itself).
pub(crate) fn tls_failure<'a>(
    error: &'a (dyn std::error::Error + 'static),
) -> Option<&'a rustls::Error> {
    let mut current = Some(error);
    let mut depth = 0;
    while let Some(error) = current {
        if let Some(tls) = error.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        depth += 1;
        if depth > 32 {
            return None;
        }
        current = match error
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::get_ref)
        {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => error.source(),
        };
    }
    None
}
