// The types and the server protocol (`APIProtocol`) are generated from `openapi/ticker.yaml` at
// build time by swift-openapi-generator's plugin (see openapi-generator-config.yaml). The spec is
// the source of truth: change it, and the compiler shows every handler in TickerHTTP that no
// longer matches.
