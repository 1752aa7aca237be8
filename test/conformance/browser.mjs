#!/usr/bin/env node
// The "browser" mcpkey opens during `oauth authorize` in the conformance runs (via $BROWSER).
// The suite's authorization server approves at once and redirects to mcpkey's loopback callback,
// so following the redirects by hand is all a person would do here. Redirects are followed one
// hop at a time (never automatically) and only until the loopback callback has been requested.
// mcpkey starts this detached with its output discarded, so progress goes to a log file when
// CONFORMANCE_BROWSER_LOG names one. Only origins and paths are logged: the query strings carry
// the authorization code and state.

import { appendFileSync } from 'node:fs';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const MAX_HOPS = 5;

function log(message) {
  const file = process.env.CONFORMANCE_BROWSER_LOG;
  try {
    if (file) appendFileSync(file, `${new Date().toISOString()} ${message}\n`);
  } catch {
    // A log that cannot be written must never stop the sign-in.
  }
}

const where = (url) => `${url.origin}${url.pathname}`;

async function follow(start) {
  let url = new URL(start);
  for (let hop = 0; hop < MAX_HOPS; hop += 1) {
    if (!LOOPBACK.has(url.hostname)) throw new Error(`refusing to visit ${url.origin}: the tests only talk to this machine`);
    const response = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(15_000) });
    await response.body?.cancel();
    log(`GET ${where(url)} -> ${response.status}`);
    const location = response.headers.get('location');
    // The callback is mcpkey's own page; after it there is nothing left to follow.
    if (url.pathname === '/callback' || !location || response.status < 300 || response.status >= 400) return;
    url = new URL(location, url);
  }
  throw new Error(`more than ${MAX_HOPS} redirects`);
}

try {
  const target = process.argv[2];
  if (!target) throw new Error('usage: browser.mjs URL');
  await follow(target);
} catch (error) {
  log(`error: ${error.message}`);
  process.exitCode = 1;
}
