//! TLS: a CA and a server certificate made at test time, as vCenter's VMCA would issue them.

use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use vsphere_runtime::runtime::{Client, Error};

use crate::fixtures::GET_VM;
use crate::server::{Reply, Server};

pub(crate) struct Pki {
    pub(crate) ca_pem: String,
    pub(crate) server: Arc<rustls::ServerConfig>,
}

pub(crate) fn pki() -> Pki {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name.push(DnType::CommonName, "Test VMCA");
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca, ca_key);

    let leaf_key = KeyPair::generate().unwrap();
    let mut leaf =
        CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()]).unwrap();
    leaf.distinguished_name
        .push(DnType::CommonName, "vcenter.test");
    let leaf_cert = leaf.signed_by(&leaf_key, &issuer).unwrap();

    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let server = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![leaf_cert.der().clone(), ca_cert.der().clone()],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
        )
        .unwrap();
    Pki {
        ca_pem: ca_cert.pem(),
        server: Arc::new(server),
    }
}

async fn get_vm(client: &Client) -> Result<String, Error> {
    let mut call = client.call(&GET_VM);
    call.path_param("vm", "vm-1");
    call.send().await
}

#[tokio::test]
async fn a_client_trusting_the_root_connects() {
    let ca = pki();
    let server = Server::start_tls(ca.server.clone(), |_| Reply::json(200, r#""vm-1""#)).await;
    assert!(server.url().starts_with("https://127.0.0.1:"));
    let client = Client::builder(&server.url())
        .root_certificate_pem(ca.ca_pem.as_bytes())
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(get_vm(&client).await.unwrap(), "vm-1");
}

#[tokio::test]
async fn a_default_client_rejects_an_unknown_root() {
    let ca = pki();
    let server = Server::start_tls(ca.server.clone(), |_| Reply::json(200, r#""vm-1""#)).await;
    let client = Client::builder(&server.url()).build().unwrap();
    let error = get_vm(&client).await.unwrap_err();
    assert!(matches!(error, Error::Tls { .. }), "{error:?}");
    assert!(error.to_string().contains("certificate"), "{error}");
    assert!(server.requests().is_empty());

    // A different root does not help either.
    let other_pki = pki();
    let client = Client::builder(&server.url())
        .root_certificate_pem(other_pki.ca_pem.as_bytes())
        .unwrap()
        .build()
        .unwrap();
    let error = get_vm(&client).await.unwrap_err();
    assert!(matches!(error, Error::Tls { .. }), "{error:?}");
}

#[tokio::test]
async fn danger_accept_invalid_certificates_connects() {
    let ca = pki();
    let server = Server::start_tls(ca.server.clone(), |_| Reply::json(200, r#""vm-1""#)).await;
    let client = Client::builder(&server.url())
        .danger_accept_invalid_certificates(true)
        .build()
        .unwrap();
    assert_eq!(get_vm(&client).await.unwrap(), "vm-1");
}

#[test]
fn bad_root_pem_is_a_configuration_error() {
    for pem in [
        &b"not a certificate"[..],
        b"-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n",
    ] {
        let error = Client::builder("https://vcenter.example.com")
            .root_certificate_pem(pem)
            .unwrap_err();
        assert!(matches!(error, Error::Config { .. }), "{error:?}");
    }
}
