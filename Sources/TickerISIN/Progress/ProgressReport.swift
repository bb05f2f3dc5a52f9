/// Where a long download or import has got to: what a `ProgressMeter` hands its callback.
///
/// The text is a pure function of these values, so it is tested without clocks:
/// `12.3 MB of 80.0 MB (15%), 4.1 MB/s, ETA 16 s`, `12.3 MB, 4.1 MB/s` when the total is unknown,
/// `420,000 rows, 210,000 rows/s` for rows, and for the final report
/// `80.0 MB in 19 s, 4.2 MB/s`.
public struct ProgressReport: Sendable, Hashable, CustomStringConvertible {
    public enum Unit: Sendable, Hashable {
        case bytes
        case rows
    }

    public var unit: Unit
    /// Bytes or rows done so far.
    public var count: Int64
    /// What `count` will reach at the end, when known (a Content-Length, a file size).
    public var total: Int64?
    /// Time since the meter started.
    public var elapsed: Duration
    /// The last report, sent by `ProgressMeter.finish()`.
    public var isFinal: Bool

    public init(unit: Unit, count: Int64, total: Int64? = nil, elapsed: Duration, isFinal: Bool = false) {
        self.unit = unit
        self.count = count
        self.total = total
        self.elapsed = elapsed
        self.isFinal = isFinal
    }

    /// Average units per second since the start; nil before any time has passed.
    public var rate: Double? {
        let seconds = Self.seconds(elapsed)
        return seconds >= 0.001 ? Double(count) / seconds : nil
    }

    /// Whole percent of `total` done, when the total is known and not zero.
    public var percent: Int? {
        guard let total, total > 0 else { return nil }
        return Int(min(100, max(0, Double(count) * 100 / Double(total))))
    }

    /// Time left at the average rate so far, in whole seconds (at least 1): an estimate, not a
    /// promise. Nil when the total or the rate is unknown.
    public var estimatedTimeLeft: Duration? {
        guard let total, let rate, rate > 0, total > count else { return nil }
        return .seconds(max(1, Int64(min(1e12, Double(total - count) / rate).rounded())))
    }

    public var description: String {
        var parts: [String] = []
        if isFinal {
            // A total reached need not be repeated; one that was not is the news.
            let done = total == nil || total == count ? amount(count) : amountOfTotal
            parts.append("\(done) in \(QuantityText.duration(elapsed))")
        } else {
            parts.append(total == nil ? amount(count) : amountOfTotal)
        }
        if let rate { parts.append(rateText(rate)) }
        if !isFinal, let left = estimatedTimeLeft { parts.append("ETA \(QuantityText.duration(left))") }
        return parts.joined(separator: ", ")
    }

    /// `12.3 MB of 80.0 MB (15%)`, `420,000 of 1,000,000 rows (42%)`.
    private var amountOfTotal: String {
        guard let total else { return amount(count) }
        let percentText = percent.map { " (\($0)%)" } ?? ""
        switch unit {
        case .bytes: return "\(QuantityText.bytes(count)) of \(QuantityText.bytes(total))\(percentText)"
        case .rows: return "\(QuantityText.grouped(count)) of \(QuantityText.grouped(total)) rows\(percentText)"
        }
    }

    private func amount(_ value: Int64) -> String {
        switch unit {
        case .bytes: return QuantityText.bytes(value)
        case .rows: return "\(QuantityText.grouped(value)) rows"
        }
    }

    private func rateText(_ rate: Double) -> String {
        let perSecond = Int64(rate.rounded())
        switch unit {
        case .bytes: return "\(QuantityText.bytes(perSecond))/s"
        case .rows: return "\(QuantityText.grouped(perSecond)) rows/s"
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
