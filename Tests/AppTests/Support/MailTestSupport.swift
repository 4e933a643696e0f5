// The real mail servers and tools both test targets start (Tests/MailTestSupport).
@_exported import MailTestSupport
