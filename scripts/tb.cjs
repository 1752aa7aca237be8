require('@napi-rs/keyring-linux-x64-gnu/keyring.linux-x64-gnu.node');
