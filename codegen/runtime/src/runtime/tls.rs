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

/// The rustls error somewhere in an error's source chain, if any.
pub(crate) fn tls_failure<'a>(
    error: &'a (dyn std::error::Error + 'static),
) -> Option<&'a rustls::Error> {
    let mut current = Some(error);
    while let Some(error) = current {
        if let Some(tls) = error.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        let inner = error
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::get_ref);
        if let Some(tls) = inner.and_then(|inner| inner.downcast_ref::<rustls::Error>()) {
            return Some(tls);
        }
        current = error.source();
    }
    None
}
