// Real certificates for the e2e run: an intermediate CA and leaves with
// chosen lifetimes, so that days left and statuses are predictable; CRLs of
// such a CA, signed by openssl (node has no CRL signer).
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
// issuedDaysAgo sets notBefore, so that a renewal can be told from the certificate it replaces;
// crl names the leaf's CRL distribution point.
export function makeLeaf(ca, host, days, issuedDaysAgo = 1, { crl } = {}) {
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
    ...(crl ? [{ name: 'cRLDistributionPoints', altNames: [{ type: 6, value: crl }] }] : []),
  ]);
  cert.sign(ca.keys.priv, forge.md.sha256.create());
  return { cert, der: derBase64(cert), notAfter: cert.validity.notAfter, serial: cert.serialNumber };
}

// UTCTime (YYMMDDHHMMSSZ), as openssl's index and -crl_*update options take it.
const opensslTime = (d) => d.toISOString().replace(/[-:T]/g, '').replace(/\.\d+Z$/, 'Z').slice(2);

/**
 * A DER CRL of ca listing the given leaves as revoked (`at` the revocation
 * time, reason an openssl reason name such as keyCompromise), valid from
 * lastUpdate to nextUpdate: a nextUpdate in the past makes an expired CRL.
 */
export function makeCRL(ca, { revoked = [], lastUpdate = new Date(Date.now() - 3_600_000), nextUpdate = new Date(Date.now() + 7 * DAY) } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'certinel-e2e-crl-'));
  try {
    const f = (name) => join(dir, name);
    writeFileSync(f('ca.pem'), ca.pem);
    writeFileSync(f('ca.key'), forge.pki.privateKeyToPem(ca.keys.priv), { mode: 0o600 });
    writeFileSync(f('index.txt'), revoked.map(({ leaf, at, reason }) =>
      ['R', opensslTime(leaf.notAfter), `${opensslTime(at)},${reason}`, leaf.serial.toUpperCase(), 'unknown', `/CN=${leaf.cert.subject.getField('CN').value}`].join('\t') + '\n').join(''));
    writeFileSync(f('crlnumber'), '01\n');
    writeFileSync(f('openssl.cnf'), `[ca]\ndefault_ca = e2e\n[e2e]\ndatabase = ${f('index.txt')}\ncrlnumber = ${f('crlnumber')}\ndefault_md = sha256\n`);
    const r = spawnSync('openssl', ['ca', '-batch', '-config', f('openssl.cnf'), '-gencrl', '-keyfile', f('ca.key'), '-cert', f('ca.pem'),
      '-crl_lastupdate', opensslTime(lastUpdate), '-crl_nextupdate', opensslTime(nextUpdate), '-out', f('crl.pem')], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl ca -gencrl: ${r.error ?? r.stderr}`);
    const der = spawnSync('openssl', ['crl', '-in', f('crl.pem'), '-outform', 'DER']);
    if (der.status !== 0) throw new Error(`openssl crl: ${der.stderr}`);
    return der.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
