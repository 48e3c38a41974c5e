// libFuzzer entry point for the safetensors reader. Not part of the package:
// scripts/fuzz.sh compiles this file together with Sources/SynapseIO/SafeTensors.swift
// (instrumented for coverage, with AddressSanitizer) against the built Synapse
// modules (SynapseTraining's model-file metadata parsers run uninstrumented).
import Foundation
import SynapseCore
import SynapseTraining

/// Feeds one input to `SafeTensors.parse`. Any thrown `SafeTensorsError` is an
/// expected outcome; a trap, an uncaught error type or a memory error is a bug.
/// A file that parses is written back with `serialized()` and parsed again:
/// the second parse must succeed and give the same names, shapes and metadata.
/// Its `architecture` and `compile` metadata, when present, go through the model
/// file's parsers (`ModelArchitecture(jsonText:)`, `CompileConfig(jsonText:)`),
/// which may throw but must not trap.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    let file: SafeTensors
    do {
        file = try SafeTensors.parse(bytes)
    } catch is SafeTensorsError {
        return 0
    } catch {
        fatalError("parse threw a foreign error: \(error)")
    }
    do {
        let again = try SafeTensors.parse(Data(try file.serialized()))
        guard again.metadata == file.metadata,
              again.tensors.mapValues(\.shape) == file.tensors.mapValues(\.shape) else {
            fatalError("write-then-read changed the file")
        }
    } catch {
        fatalError("a parsed file did not round-trip: \(error)")
    }
    if let architecture = file.metadata["architecture"] { _ = try? ModelArchitecture(jsonText: architecture) }
    if let compile = file.metadata["compile"] { _ = try? CompileConfig(jsonText: compile) }
    return 0
}
