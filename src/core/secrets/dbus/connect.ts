import { connect, type Socket } from 'node:net';

/** Reaching the session bus: its address, and the SASL EXTERNAL exchange that precedes any message. */

/** The socket of the first unix transport in a D-Bus address (`unix:path=…` or `unix:abstract=…`), if any. */
export function unixSocketPath(address: string): string | undefined {
  for (const transport of address.split(';')) {
    const colon = transport.indexOf(':');
    if (transport.slice(0, colon) !== 'unix') continue;
    const params = new Map<string, string>();
    for (const pair of transport.slice(colon + 1).split(',')) {
      const equals = pair.indexOf('=');
      if (equals > 0) params.set(pair.slice(0, equals), decodeURIComponent(pair.slice(equals + 1)));
    }
    if (params.get('path')) return params.get('path');
    if (params.get('abstract')) return `\0${params.get('abstract')}`;
  }
  return undefined;
}

/** Connects and runs the SASL EXTERNAL exchange (the uid, hex-encoded as text); resolves once the bus said OK and BEGIN is sent. */
export function authenticated(path: string, timeoutMs: number): Promise<Socket> {
  // The effective uid, as libdbus sends it: the bus compares it with the socket's credentials.
  const uid = process.geteuid?.();
  if (uid === undefined) return Promise.reject(new Error('no user id to authenticate with'));
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    let answer = '';
    const timer = setTimeout(() => done(new Error('the D-Bus session bus did not answer in time')), timeoutMs);
    const done = (error?: Error) => {
      clearTimeout(timer);
      socket.removeListener('data', onData);
      socket.removeListener('error', done);
      socket.removeListener('close', onClose);
      if (!error) return resolve(socket);
      socket.destroy();
      reject(error);
    };
    const onClose = () => done(new Error('the D-Bus session bus closed the connection'));
    const onData = (chunk: Buffer) => {
      answer += chunk.toString('latin1');
      if (!answer.includes('\r\n')) return;
      if (!answer.startsWith('OK ')) return done(new Error(`the D-Bus session bus refused authentication: ${answer.trim().slice(0, 80)}`));
      socket.write('BEGIN\r\n');
      done();
    };
    socket.on('data', onData);
    socket.on('error', done);
    socket.on('close', onClose);
    socket.write(`\0AUTH EXTERNAL ${Buffer.from(String(uid)).toString('hex')}\r\n`);
  });
}
