import Testing
@testable import SynapseONNX

@Suite("ONNX errors")
struct ONNXErrorTests {
    @Test("errors name the layer, its type and the reason")
    func descriptions() {
        let error = ONNXError.unsupportedLayer(name: "sampling", type: "Sampling", reason: "it draws random numbers")
        #expect("\(error)" == "ONNX: layer 'sampling' (Sampling) cannot be exported: it draws random numbers")
        #expect("\(ONNXError.unsupportedOpset(9, supported: 13...21))".contains("13...21"))
    }
}
