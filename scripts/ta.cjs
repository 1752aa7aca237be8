require('@napi-rs/keyring');
