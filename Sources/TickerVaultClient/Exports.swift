// A client sees the shared format types (encodings, parameters, identities) as its own.
@_exported import TickerVaultFormat
