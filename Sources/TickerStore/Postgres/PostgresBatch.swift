import Foundation

/// Rows for a set-based statement, sent as one JSON parameter and read with `json_to_recordset`.
///
/// One statement then writes a whole batch where a statement per row would cost a round trip
/// each; JSON, unlike bound arrays, carries NULLs. Property names are the column names of the
/// record set, so row types use plain lowercase names.
///
/// Statements read the set as `(SELECT * FROM json_to_recordset($1::json) AS x(...) LIMIT $n)`.
/// The planner assumes any set function returns 100 rows; against a table of a few thousand
/// rows that estimate makes it hash-join a sequential scan of the whole table for a batch of
/// five. The LIMIT tells it the real size, and it looks each row up by its index instead.
enum PostgresBatch {
    static func json<Row: Encodable>(_ rows: [Row]) throws -> String {
        String(decoding: try JSONEncoder().encode(rows), as: UTF8.self)
    }
}
