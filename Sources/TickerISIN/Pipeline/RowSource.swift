/// Anything that hands out the rows of an ISIN list one at a time: the delimited reader, the
/// FIRDS reader. Errors thrown here end the import; a bad row is a `.problem` instead.
public protocol RowSource {
    mutating func next() throws -> RowOutcome?
}

extension ISINRowReader: RowSource {}
extension FIRDSReader: RowSource {}
