// Real certificates for the e2e run: an intermediate CA and leaves with
// chosen lifetimes, so that days left and statuses are predictable.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

const DAY = 86_400_000;

function keyPair() {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const priv = forge.pki.privateKeyFromPem(privateKey);
  return { priv, pub: forge.pki.setRsaPublicKey(priv.n, priv.e) };
}

function serial() {
  const b = randomBytes(12);
  b[0] &= 0x7f;
  return b.toString('hex');
}

function derBase64(cert) {
  return forge.util.encode64(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes());
}

export function makeCA(name = 'Certinel E2E Intermediate CA', days = 400) {
  const keys = keyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.pub;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(Date.now() - DAY);
  cert.validity.notAfter = new Date(Date.now() + days * DAY);
  const attrs = [{ name: 'commonName', value: name }, { name: 'organizationName', value: 'Certinel E2E' }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.priv, forge.md.sha256.create());
  return { cert, keys, der: derBase64(cert), pem: forge.pki.certificateToPem(cert) };
}

/** A leaf for host whose notAfter is `days` days (plus two hours) from now. */
// issuedDaysAgo sets notBefore, so that a renewal can be told from the certificate it replaces.
export function makeLeaf(ca, host, days, issuedDaysAgo = 1) {
  const keys = keyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.pub;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(Date.now() - issuedDaysAgo * DAY);
  // Two extra hours keep floor((notAfter - now) / 1 day) at `days` while the test runs.
  cert.validity.notAfter = new Date(Date.now() + days * DAY + 2 * 3_600_000);
  cert.setSubject([{ name: 'commonName', value: host }]);
  cert.setIssuer(ca.cert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [{ type: 2, value: host }] },
  ]);
  cert.sign(ca.keys.priv, forge.md.sha256.create());
  return { cert, der: derBase64(cert), notAfter: cert.validity.notAfter };
}
