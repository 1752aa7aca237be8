import { createOsKeychain } from '../dist/core/secrets/keychain.js';
const [service, count] = [process.argv[2], Number(process.argv[3])];
const k = createOsKeychain(service);
for (let i = 1; i <= count; i++) await k.set(`bench.key_${i}`, `bench-value-${i}-abcdef`);
