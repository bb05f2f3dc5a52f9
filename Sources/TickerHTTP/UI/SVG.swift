import Foundation

/// The UI's pictures, drawn on the server as SVG: no script, nothing to download, readable by
/// screen readers through `role="img"`, a title and a text alternative beside each picture.
enum SVG {
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// A DAG's tasks in columns by depth (the longest chain of upstream tasks), edges from each
    /// upstream task to its downstream ones. `states` colours the boxes of a run's tasks.
    static func dagGraph(tasks: [(id: String, dependsOn: [String])], states: [String: String] = [:], title: String) -> String {
        var depth: [String: Int] = [:]
        func depthOf(_ id: String, _ seen: Set<String> = []) -> Int {
            if let known = depth[id] { return known }
            let upstream = tasks.first { $0.id == id }?.dependsOn ?? []
            let value = upstream.filter { !seen.contains($0) }.map { depthOf($0, seen.union([id])) + 1 }.max() ?? 0
            depth[id] = value
            return value
        }
        var rows: [Int: Int] = [:]
        var position: [String: (x: Int, y: Int)] = [:]
        let (width, height, columnGap, rowGap) = (150, 36, 60, 18)
        for task in tasks {
            let column = depthOf(task.id)
            let row = rows[column, default: 0]
            rows[column] = row + 1
            position[task.id] = (10 + column * (width + columnGap), 10 + row * (height + rowGap))
        }
        let totalWidth = 20 + ((rows.keys.max() ?? 0) + 1) * (width + columnGap) - columnGap
        let totalHeight = 20 + (rows.values.max() ?? 1) * (height + rowGap) - rowGap
        var svg = """
            <svg class="graph" role="img" aria-labelledby="graph-title" viewBox="0 0 \(totalWidth) \(totalHeight)" \
            width="\(totalWidth)" height="\(totalHeight)" xmlns="http://www.w3.org/2000/svg"><title id="graph-title">\(escape(title))</title>
            """
        for task in tasks {
            guard let to = position[task.id] else { continue }
            for upstream in task.dependsOn {
                guard let from = position[upstream] else { continue }
                let (x1, y1, x2, y2) = (from.x + width, from.y + height / 2, to.x, to.y + height / 2)
                let middle = (x1 + x2) / 2
                svg += "<path class=\"edge\" d=\"M\(x1),\(y1) C\(middle),\(y1) \(middle),\(y2) \(x2 - 6),\(y2)\"/>"
                svg += "<path class=\"arrow\" d=\"M\(x2 - 6),\(y2 - 4) L\(x2),\(y2) L\(x2 - 6),\(y2 + 4) Z\"/>"
            }
        }
        for task in tasks {
            guard let at = position[task.id] else { continue }
            let state = states[task.id]
            let label = state.map { "\(task.id): \($0)" } ?? task.id
            svg += "<g class=\"task \(escape(state ?? "none"))\"><title>\(escape(label))</title>"
            svg += "<rect x=\"\(at.x)\" y=\"\(at.y)\" width=\"\(width)\" height=\"\(height)\" rx=\"6\"/>"
            svg += "<text x=\"\(at.x + width / 2)\" y=\"\(at.y + height / 2 + 5)\" text-anchor=\"middle\">\(escape(String(task.id.prefix(20))))</text></g>"
        }
        return svg + "</svg>"
    }

    /// One bar per attempt on a shared time axis, so retries, waits and parallel tasks show.
    static func timeline(attempts: [(label: String, start: Date, end: Date?, state: String)], now: Date, title: String) -> String {
        guard let first = attempts.map(\.start).min() else { return "" }
        let last = max(attempts.map { $0.end ?? now }.max() ?? now, first.addingTimeInterval(0.001))
        let span = last.timeIntervalSince(first)
        let (labelWidth, barWidth, rowHeight) = (170, 480, 24)
        let height = attempts.count * rowHeight + 24
        var svg = """
            <svg class="timeline" role="img" aria-labelledby="timeline-title" viewBox="0 0 \(labelWidth + barWidth + 10) \(height)" \
            width="\(labelWidth + barWidth + 10)" height="\(height)" xmlns="http://www.w3.org/2000/svg"><title id="timeline-title">\(escape(title))</title>
            """
        for (index, attempt) in attempts.enumerated() {
            let y = index * rowHeight + 4
            let x = labelWidth + Int(Double(barWidth) * attempt.start.timeIntervalSince(first) / span)
            let length = max(2, Int(Double(barWidth) * (attempt.end ?? now).timeIntervalSince(attempt.start) / span))
            let seconds = (attempt.end ?? now).timeIntervalSince(attempt.start)
            svg += "<text x=\"0\" y=\"\(y + 15)\">\(escape(attempt.label))</text>"
            svg += "<rect class=\"bar \(escape(attempt.state))\" x=\"\(x)\" y=\"\(y)\" width=\"\(min(length, labelWidth + barWidth - x))\" height=\"18\">"
            svg += "<title>\(escape(attempt.label)): \(escape(attempt.state)), \(String(format: "%.3f", seconds)) s</title></rect>"
        }
        svg += "<text class=\"axis\" x=\"\(labelWidth)\" y=\"\(height - 4)\">0 s</text>"
        svg += "<text class=\"axis\" x=\"\(labelWidth + barWidth)\" y=\"\(height - 4)\" text-anchor=\"end\">\(String(format: "%.2f", span)) s</text>"
        return svg + "</svg>"
    }

    /// Bars of snapshot sizes, oldest on the left.
    static func barChart(_ values: [(label: String, value: Int)], title: String) -> String {
        guard let top = values.map(\.value).max(), top > 0 else { return "" }
        let (barWidth, gap, height) = (24, 6, 120)
        let width = values.count * (barWidth + gap) + 60
        var svg = """
            <svg class="chart" role="img" aria-labelledby="chart-title" viewBox="0 0 \(width) \(height + 20)" width="\(width)" \
            height="\(height + 20)" xmlns="http://www.w3.org/2000/svg"><title id="chart-title">\(escape(title))</title>
            <text class="axis" x="0" y="12">\(top)</text>
            """
        for (index, point) in values.enumerated() {
            let barHeight = max(1, height * point.value / top)
            let x = 60 + index * (barWidth + gap)
            svg += "<rect class=\"bar\" x=\"\(x)\" y=\"\(height - barHeight + 10)\" width=\"\(barWidth)\" height=\"\(barHeight)\">"
            svg += "<title>\(escape(point.label)): \(point.value) instruments</title></rect>"
        }
        return svg + "</svg>"
    }
}
