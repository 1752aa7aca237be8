/**
 * The common message from a stdio server, a plain success response, decoded without the SDK's
 * schema union: that union costs more per call than everything else the gateway and the bridge do.
 * Only a message the SDK's JSONRPCMessageSchema would accept exactly as it is takes this way;
 * anything else (requests, notifications, errors, a result with `_meta`) returns undefined and goes
 * through the SDK's decoder, so what is accepted, refused and how never changes.
 */
export function decodePlainResult(line: string): unknown {
  // Cheap tests first: a line that cannot be a plain result is not parsed twice.
  if (!line.includes('"result"')) return undefined;
  let message: unknown;
  try {
    message = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isPlainObject(message)) return undefined;
  // The envelope is strict: exactly these three members.
  let members = 0;
  for (const key in message) {
    if (key !== 'jsonrpc' && key !== 'id' && key !== 'result') return undefined;
    members += 1;
  }
  if (members !== 3 || message.jsonrpc !== '2.0') return undefined;
  const id = message.id;
  if (typeof id !== 'string' && !Number.isSafeInteger(id)) return undefined;
  // `_meta` has members the SDK reshapes (a malformed serverInfo is dropped): left to it.
  if (!isPlainObject(message.result) || '_meta' in message.result) return undefined;
  return message;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
