import Foundation

extension Date {
    /// The instant in UTC as feeds, calendars and the API write it (RFC 3339: "2021-09-15T01:00:00Z").
    /// A format style is a shared value; an ISO8601DateFormatter made per call cost 0.1 ms each,
    /// a fifth of the meetings API's time under load.
    var internetTimestamp: String { formatted(Self.internetTimestampStyle) }

    private static let internetTimestampStyle = Date.ISO8601FormatStyle()
}
