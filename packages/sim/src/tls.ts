// The simulated cluster's PKI: a CA minted at start, an apiserver certificate and a kubelet serving
// certificate, both signed by that CA. RSA keys come from node:crypto (native, fast); node-forge only
// builds and signs the X.509 structures, so no shell or openssl binary is needed (the product runs on Windows).
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

export interface SimPki {
  caPem: string;
  apiserver: { certPem: string; keyPem: string };
  kubelet: { certPem: string; keyPem: string };
  /** A client certificate signed by the cluster CA (the user is its common name), as kubeadm's admin.conf has. */
  issueClientCert(user: string): { certPem: string; keyPem: string };
}

function rsaKeyPair(): { publicKeyPem: string; privateKeyPem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { publicKeyPem: publicKey, privateKeyPem: privateKey };
}

function serialHex(): string {
  // Positive serial: clear the top bit so DER does not read it as negative.
  const b = randomBytes(16);
  b[0] = b[0] & 0x7f;
  return b.toString('hex');
}

function validity(cert: forge.pki.Certificate, days: number): void {
  const now = Date.now();
  cert.validity.notBefore = new Date(now - 60 * 60 * 1000);
  cert.validity.notAfter = new Date(now + days * 24 * 60 * 60 * 1000);
}

interface Signer { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey }

function leafCert(signer: Signer, commonName: string, ips: string[], dnsNames: string[], usage: 'server' | 'client' = 'server'): { certPem: string; keyPem: string } {
  const pair = rsaKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(pair.publicKeyPem);
  cert.serialNumber = serialHex();
  validity(cert, 365);
  cert.setSubject([{ name: 'commonName', value: commonName }]);
  cert.setIssuer(signer.cert.subject.attributes);
  const altNames: Array<{ type: number; value?: string; ip?: string }> = [
    ...dnsNames.map((value) => ({ type: 2, value })),
    ...ips.map((ip) => ({ type: 7, ip })),
  ];
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
    usage === 'server' ? { name: 'extKeyUsage', serverAuth: true } : { name: 'extKeyUsage', clientAuth: true },
    ...(altNames.length ? [{ name: 'subjectAltName', altNames }] : []),
  ]);
  cert.sign(signer.key, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: pair.privateKeyPem };
}

/**
 * Mints a fresh CA and the two serving certificates. `kubeletIps` are the nodes' own loopback addresses:
 * one kubelet certificate covers them all (a real cluster has one per node; one is enough to verify).
 */
export function createSimPki(clusterName: string, apiserverIps: string[], kubeletIps: string[]): SimPki {
  const caPair = rsaKeyPair();
  const caKey = forge.pki.privateKeyFromPem(caPair.privateKeyPem);
  const ca = forge.pki.createCertificate();
  ca.publicKey = forge.pki.publicKeyFromPem(caPair.publicKeyPem);
  ca.serialNumber = serialHex();
  validity(ca, 3650);
  const caSubject = [{ name: 'commonName', value: `kubepulse-sim-ca-${clusterName}` }];
  ca.setSubject(caSubject);
  ca.setIssuer(caSubject);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  ca.sign(caKey, forge.md.sha256.create());
  const signer = { cert: ca, key: caKey };
  return {
    caPem: forge.pki.certificateToPem(ca),
    apiserver: leafCert(signer, 'kube-apiserver', apiserverIps, ['localhost', 'kubernetes', 'kubernetes.default']),
    kubelet: leafCert(signer, `kubelet-${clusterName}`, ['127.0.0.1', ...kubeletIps], ['localhost']),
    issueClientCert: (user) => leafCert(signer, user, [], [], 'client'),
  };
}
