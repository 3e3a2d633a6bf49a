//! TLS: the rustls configuration (ring provider, system roots plus the roots given as PEM), and
//! telling TLS failures apart from other connect failures.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};

use crate::runtime::Error;

/// Parses a PEM bundle of one or more root certificates to trust.
pub(crate) fn parse_roots(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, Error> {
    let roots = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| {
            Error::config_caused(
                format!(
                    "the root certificate PEM does not parse ({e}); give the PEM file of the CA \
                     itself (for vCenter the VMCA root from https://<vcenter>/certs/download.zip)"
                ),
                e,
            )
        })?;
    if roots.is_empty() {
        return Err(Error::config(
            "the root certificate PEM holds no `-----BEGIN CERTIFICATE-----` block; give the \
             PEM file of the CA itself, not a key or a DER file",
        ));
    }
    Ok(roots)
}

/// The TLS configuration of a client: rustls with the ring provider, chosen here rather than
/// installed process-wide so that the application's own choice of provider is left alone.
pub(crate) fn client_config(
    roots: Vec<CertificateDer<'static>>,
    accept_invalid_certificates: bool,
) -> Result<rustls::ClientConfig, Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| {
            Error::config_caused(
                format!("TLS set-up failed ({e}); this is a bug of the client, please report it"),
                e,
            )
        })?;
    let verifier: Arc<dyn ServerCertVerifier> = if accept_invalid_certificates {
        Arc::new(AnyCertificate(provider))
    } else {
        let verifier = rustls_platform_verifier::Verifier::new_with_extra_roots(roots, provider)
            .map_err(|e| {
                Error::config_caused(
                    format!(
                        "the trusted root certificates could not be loaded ({e}); check the \
                         system's certificate store and the PEM given to root_certificate_pem"
                    ),
                    e,
                )
            })?;
        Arc::new(verifier)
    };
    let mut config = builder
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// Accepts any server certificate for any name (`danger_accept_invalid_certificates`), still
/// checking that the handshake is signed by the certificate's key.
#[derive(Debug)]
struct AnyCertificate(Arc<CryptoProvider>);

impl ServerCertVerifier for AnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// What to do about a TLS failure, as the end of a sentence.
pub(crate) fn tls_advice(error: &rustls::Error) -> &'static str {
    use rustls::CertificateError as C;
    match error {
        rustls::Error::InvalidCertificate(C::UnknownIssuer | C::BadSignature) => {
            "trust the server's CA with ClientBuilder::root_certificate_pem (for vCenter the \
             VMCA root from https://<vcenter>/certs/download.zip)"
        }
        rustls::Error::InvalidCertificate(
            C::NotValidForName | C::NotValidForNameContext { .. },
        ) => "connect with a host name the server's certificate names",
        rustls::Error::InvalidCertificate(
            C::Expired | C::ExpiredContext { .. } | C::NotValidYet | C::NotValidYetContext { .. },
        ) => "renew the server's certificate or check this machine's clock",
        _ => {
            "check that the server speaks TLS on this port and that its certificate chain is complete"
        }
    }
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
