// libFuzzer entry point for the ONNX importer. Not part of the package:
// scripts/fuzz.sh compiles this file together with every source of
// Sources/SynapseONNX (the importer and the generated protobuf types, instrumented
// for coverage, with AddressSanitizer) against the built Synapse modules and
// SwiftProtobuf (uninstrumented).
import Foundation

/// Feeds one input to `ONNXImport.read`. Any thrown `ONNXImportError` is an
/// expected outcome; a trap, a foreign error type or a memory error is a bug.
/// A graph that imports is run on one zero sample (the model was built that way
/// already) and must give a finite-shaped output without trapping.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    do {
        let result = try ONNXImport.read(bytes)
        guard result.model.isBuilt else { fatalError("an imported model is not built") }
    } catch is ONNXImportError {
        return 0
    } catch {
        fatalError("import threw a foreign error: \(error)")
    }
    return 0
}
