/// The fields of one FIRDS record (`RefData`) as they are read, and the outcome they make.
struct FIRDSRecord {
    /// The elements read from a record: `FinInstrmGnlAttrbts`'s `Id`, `FullNm`, `ClssfctnTp` and
    /// `NtnlCcy`, and the record's `Issr`.
    enum Field {
        case id, fullName, classification, currency, issuer

        /// The element name, for messages.
        var elementName: String {
            switch self {
            case .id: return "Id"
            case .fullName: return "FullNm"
            case .classification: return "ClssfctnTp"
            case .currency: return "NtnlCcy"
            case .issuer: return "Issr"
            }
        }
    }

    /// Line of the record's `<RefData`.
    var line: Int
    /// Trimmed; "" for an `Id` that is present but blank, nil for none.
    private var id: String?
    private var fullName: String?
    private var classification: String?
    private var currency: String?
    private var issuer: String?

    init(line: Int) {
        self.line = line
    }

    /// Sets `field` to `text` (trimmed), unless an earlier element already gave it a value: a
    /// repeated element is not in the schema, and the first is as good a guess as any.
    mutating func set(_ field: Field, _ text: String) {
        let value: String? = text.isEmpty ? nil : text
        switch field {
        case .id: if id?.isEmpty ?? true { id = text }
        case .fullName: if fullName == nil { fullName = value }
        case .classification: if classification == nil { classification = value }
        case .currency: if currency == nil { currency = value }
        case .issuer: if issuer == nil { issuer = value }
        }
    }

    /// A row, or a problem when the record has no ISIN. The ISIN itself is not checked here: that is
    /// the importer's job, so that its error lands on this record's line like any other.
    var outcome: RowOutcome {
        guard let id, !id.isEmpty else {
            let reason = id == nil ? "record has no FinInstrmGnlAttrbts/Id" : "record has an empty FinInstrmGnlAttrbts/Id"
            return .problem(line: line, reason: reason)
        }
        return .row(ISINSourceRow(
            line: line, isin: id, name: fullName, cfi: classification, currency: currency, issuerLEI: issuer))
    }
}
