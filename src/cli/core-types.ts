/** The parts of bundle/core.cjs (scripts/bundle.mjs) its CommonJS callers use, by the keys the build gives them. */
export interface Core {
  cli__main: typeof import('./main.js');
  cli__io: typeof import('./io.js');
  core__secrets__keychain: typeof import('../core/secrets/keychain.js');
  core__names: typeof import('../core/names.js');
  core__auth__classify: typeof import('../core/auth/classify.js');
  core__secrets__dbus__bus: typeof import('../core/secrets/dbus/bus.js');
  core__secrets__dbus__wire: typeof import('../core/secrets/dbus/wire.js');
}
