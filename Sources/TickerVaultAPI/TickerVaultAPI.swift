// The vault API's types and server protocol (`APIProtocol`) are generated from `openapi/vault.yaml`
// at build time by swift-openapi-generator's plugin. It is a contract of its own, apart from the
// operator API of `openapi/ticker.yaml`: its clients are end users' devices, its errors are the
// protocol's `{"error", "message"}`, and it is versioned with the vault protocol.
