// Measures signature operations per second on one core with node:crypto and cached keys: the
// floor under what a token endpoint can cost. Prints one JSON line.
import { createSign, createVerify, generateKeyPairSync, sign } from 'node:crypto';

const seconds = Number(JSON.parse((await import('node:fs')).readFileSync(0, 'utf8')).seconds ?? 2);
const payload = Buffer.from(
  'eyJhbGciOiJSUzI1NiIsImtpZCI6ImsifQ.eyJpc3MiOiJjbGllbnQiLCJzdWIiOiJjbGllbnQiLCJhdWQiOiJodHRwOi8vMTI3LjAuMC4xOjgwODAvb2F1dGgvdG9rZW4iLCJqdGkiOiIwMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDAiLCJleHAiOjE3MDAwMDAwMDB9',
);

function opsPerSecond(operation: () => void): number {
  const end = performance.now() + seconds * 1000;
  let count = 0;
  while (performance.now() < end) {
    for (let i = 0; i < 20; i++) operation();
    count += 20;
  }
  return Math.round(count / seconds);
}

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ed = generateKeyPairSync('ed25519');
const rsaSignature = createSign('RSA-SHA256').update(payload).sign(rsa.privateKey);

const result = {
  rs256Verify: opsPerSecond(() => {
    createVerify('RSA-SHA256').update(payload).verify(rsa.publicKey, rsaSignature);
  }),
  rs256Sign: opsPerSecond(() => {
    createSign('RSA-SHA256').update(payload).sign(rsa.privateKey);
  }),
  es256Sign: opsPerSecond(() => {
    sign('sha256', payload, { key: ec.privateKey, dsaEncoding: 'ieee-p1363' });
  }),
  eddsaSign: opsPerSecond(() => {
    sign(null, payload, ed.privateKey);
  }),
};
process.stdout.write(`${JSON.stringify(result)}\n`);
