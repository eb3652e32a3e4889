import Foundation
import Git

/// Where `--since` starts the search for candidates: after a revision (commits it reaches
/// are left out), or after a moment (commits made before it are left out), as git's
/// `--since` takes a date.
enum Since: Equatable {
    case revision(OID)
    /// Seconds since the epoch; commits whose committer date is earlier are left out.
    case time(Int64)

    /// A revision if `spec` names one, else a date: `2026-01-01`, `2026-01-01 12:00`,
    /// ISO 8601 (`2026-01-01T12:00:00Z`), `3 months ago`, `yesterday`. Dates without a zone
    /// are UTC. Nil when it is neither.
    static func parse(_ spec: String, in repository: Repository, now: Date = Date()) -> Since? {
        if let id = try? repository.resolveCommit(spec) { return .revision(id) }
        return date(spec, now: now).map { .time(Int64($0.timeIntervalSince1970)) }
    }

    /// ``parse(_:in:now:)``, or the error `--since` gives for what is neither.
    static func parsing(_ spec: String, in repository: Repository) throws -> Since {
        guard let since = parse(spec, in: repository) else {
            throw BackportError.invalidInput("--since '\(spec)': not a commit in this repository, nor a date (2026-01-01, '3 months ago')")
        }
        return since
    }

    static func date(_ text: String, now: Date) -> Date? {
        let spec = text.trimmingCharacters(in: .whitespaces).lowercased()
        if spec == "yesterday" { return Date(timeIntervalSince1970: TimeInterval(Age(count: 1, unit: .day).before(Int64(now.timeIntervalSince1970)))) }
        if spec.hasSuffix(" ago"), let age = Age(parsing: String(spec.dropLast(4))), age.count > 0 {
            return Date(timeIntervalSince1970: TimeInterval(age.before(Int64(now.timeIntervalSince1970))))
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        for format in ["yyyy-MM-dd", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ssXXXXX", "yyyy-MM-dd'T'HH:mm:ss"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text.trimmingCharacters(in: .whitespaces)) { return date }
        }
        return nil
    }
}
