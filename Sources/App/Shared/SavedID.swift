import Fluent
import Foundation

extension Model where IDValue == UUID {
    /// The id of a record read from or saved to the database, which always has one. A record
    /// never saved (a mistake in the code) answers with the nil UUID, which matches nothing and
    /// fails at the database, instead of stopping the process as `id!` would.
    var savedID: UUID { id ?? UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)) }
}
