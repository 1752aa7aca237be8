import { spawn } from 'node:child_process';
const child = spawn(process.argv[2], process.argv.slice(3), { stdio: ['pipe', 'pipe', 'inherit'] });
let inb = '', outb = '';
process.stdin.setEncoding('utf8').on('data', (c) => { inb += c; for (let nl = inb.indexOf('\n'); nl >= 0; nl = inb.indexOf('\n')) { const m = JSON.parse(inb.slice(0, nl)); inb = inb.slice(nl + 1); if (m.params?.name) m.params.name = m.params.name.replace(/^x__/, ''); child.stdin.write(JSON.stringify(m) + '\n'); } });
child.stdout.setEncoding('utf8').on('data', (c) => { outb += c; for (let nl = outb.indexOf('\n'); nl >= 0; nl = outb.indexOf('\n')) { const m = JSON.parse(outb.slice(0, nl)); outb = outb.slice(nl + 1); process.stdout.write(JSON.stringify(m) + '\n'); } });
child.on('exit', (code) => process.exit(code ?? 0));
