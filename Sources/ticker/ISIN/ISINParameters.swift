import Foundation
import TickerCore
import TickerEngine
import TickerISIN

/// The parameters the ISIN operators read from a DAG file, checked when the file is loaded.
enum ISINParameters {
    /// `format: csv` (with `delimiter` and `columns`) or `format: firds`.
    static func format(_ fields: [String: JSONValue]) -> Result<ListFormat, ParameterProblems> {
        let name = fields["format"]?.stringValue ?? "csv"
        switch name {
        case "firds":
            let stray = ["delimiter", "columns"].filter { fields[$0] != nil }
            guard stray.isEmpty else {
                return .failure(ParameterProblems(stray.map { ParameterProblem(path: [$0], "only applies to format: csv") }))
            }
            return .success(.firds)
        case "csv":
            var problems: [ParameterProblem] = []
            let delimiterText = fields["delimiter"]?.stringValue ?? "auto"
            let delimiter = DelimiterSetting(delimiterText)
            if delimiter == nil {
                problems.append(ParameterProblem(path: ["delimiter"], "must be one of \(DelimiterSetting.accepted.joined(separator: ", "))"))
            }
            var mapping: ColumnMapping?
            switch columns(fields["columns"]) {
            case .success(let found): mapping = found
            case .failure(let found): problems += found.problems
            }
            guard problems.isEmpty, let delimiter, let mapping else { return .failure(ParameterProblems(problems)) }
            return .success(.delimited(delimiter, mapping))
        default:
            return .failure(ParameterProblems([ParameterProblem(path: ["format"], "must be csv or firds, not \(name)")]))
        }
    }

    /// `columns: {isin: ISIN, name: Name}`; without it, a column titled `ISIN`.
    private static func columns(_ value: JSONValue?) -> Result<ColumnMapping, ParameterProblems> {
        guard let value else { return .success(ColumnMapping(isin: "ISIN")) }
        guard let object = value.objectValue else {
            return .failure(ParameterProblems([ParameterProblem(path: ["columns"], "must be a mapping of fields to column titles")]))
        }
        var entries: [String: String] = [:]
        for (key, title) in object { entries[key] = title.stringValue ?? "" }
        do throws(ColumnMappingError) {
            return .success(try ColumnMapping(entries))
        } catch {
            return .failure(ParameterProblems(error.problems.map { ParameterProblem(path: ["columns"], "\($0)") }))
        }
    }

    /// A byte count: a number of bytes, or text such as `500MB`, `2 GB`, `64KiB`.
    static func byteCount(_ value: JSONValue) -> Int64? {
        if let number = value.numberValue, number >= 1, number == number.rounded() { return Int64(number) }
        guard let text = value.stringValue?.replacingOccurrences(of: " ", with: "") else { return nil }
        let units: [(String, Int64)] = [
            ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("KB", 1_000), ("MB", 1_000_000), ("GB", 1_000_000_000), ("B", 1),
        ]
        for (unit, factor) in units where text.uppercased().hasSuffix(unit.uppercased()) && text.count > unit.count {
            guard let amount = Double(text.dropLast(unit.count)), amount > 0 else { return nil }
            return Int64(amount * Double(factor))
        }
        return Int64(text).flatMap { $0 > 0 ? $0 : nil }
    }

    /// A share such as `0.1`, `"0.1"` or `"10%"`, between 0 and 1.
    static func share(_ value: JSONValue) -> Double? {
        if let number = value.numberValue { return (0...1).contains(number) ? number : nil }
        guard let text = value.stringValue?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let number = Double(text) { return (0...1).contains(number) ? number : nil }
        guard text.hasSuffix("%"), let percent = Double(text.dropLast()), (0...100).contains(percent) else { return nil }
        return percent / 100
    }
}

/// Every problem with an operator's parameters, as one error.
struct ParameterProblems: Error, CustomStringConvertible {
    var problems: [ParameterProblem]

    init(_ problems: [ParameterProblem]) {
        self.problems = problems
    }

    var description: String { problems.map(\.description).joined(separator: "; ") }
}

extension JSONValue {
    /// A Codable value as JSON, for task outputs.
    init(encoding value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        self = try JSONDecoder().decode(JSONValue.self, from: encoder.encode(value))
    }

    /// The value decoded as `type`, or nil when it does not fit.
    func decoded<T: Decodable>(as type: T.Type) -> T? {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        guard let data = try? JSONEncoder().encode(self) else { return nil }
        return try? decoder.decode(type, from: data)
    }
}
