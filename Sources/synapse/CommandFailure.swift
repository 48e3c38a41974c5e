import ArgumentParser
import Foundation

/// Turns a thrown error into one line on standard error, `error: <what is wrong>`,
/// and exit status 1.
enum CommandFailure {
    static func reporting(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let exit as ExitCode {
            throw exit
        } catch {
            let message = String(describing: error).split(whereSeparator: \.isNewline).joined(separator: " ")
            FileHandle.standardError.write(Data("error: \(message)\n".utf8))
            throw ExitCode.failure
        }
    }
}
