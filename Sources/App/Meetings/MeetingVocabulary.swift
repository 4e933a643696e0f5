/// The closed vocabularies of meetings, stored as their raw values.
enum MeetingType: String, Codable, CaseIterable, Sendable {
    case event
    case focalPointMeeting = "focal_point_meeting"
    case forum
    case workshop
    case conference
    case expertMeeting = "expert_meeting"
    case training
}

enum MeetingStatus: String, Codable, CaseIterable, Sendable {
    case planned
    case confirmed
    case held
    case postponed
    case cancelled
}

enum MeetingMode: String, Codable, CaseIterable, Sendable {
    case inPerson = "in_person"
    case online
    case hybrid
    /// The record does not say (the demo's Week and Forum: the seed gives only the meeting's mode).
    case unstated
}

enum ParticipantRole: String, Codable, CaseIterable, Sendable {
    case host
    case chair
    case speaker
    case headOfDelegation = "head_of_delegation"
    case delegate
    case observer
    case rapporteur
    case secretariat
}

enum RegistrationStatus: String, Codable, CaseIterable, Sendable {
    case invited
    case registered
    case approved
    case declined
    case withdrawn
}

enum AttendanceStatus: String, Codable, CaseIterable, Sendable {
    case present
    case absent
    case excused
}

enum MeetingOrganisationRole: String, Codable, CaseIterable, Sendable {
    case host
    case organiser
}

enum OutcomeKind: String, Codable, CaseIterable, Sendable {
    case decision
    case conclusion
    case actionItem = "action_item"
}

enum OutcomeStatus: String, Codable, CaseIterable, Sendable {
    case open
    case inProgress = "in_progress"
    case done
    case dropped
}
