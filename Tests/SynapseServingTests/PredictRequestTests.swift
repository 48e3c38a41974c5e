import Testing
@testable import SynapseServing

@Suite("PredictRequest parses {\"instances\": [...]} strictly")
struct PredictRequestTests {
    func parse(_ text: String) throws(ServingError) -> PredictRequest {
        try PredictRequest(json: Array(text.utf8))
    }

    func message(_ text: String) -> String? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            #expect(error.status == .badRequest)
            return error.message
        }
    }

    @Test("Nested instances give one flat buffer, the count and the instance shape")
    func nested() throws {
        let request = try parse(#" { "instances" : [ [[1, 2], [3, 4.5]], [[-5e0, 6E1], [0.25, -0]] ] } "#)
        #expect(request.count == 2)
        #expect(request.instanceShape == [2, 2])
        #expect(request.values == [1, 2, 3, 4.5, -5, 60, 0.25, 0])
        #expect(!request.columnar)
    }

    @Test("Plain numbers are scalar instances; 'inputs' is the columnar form; other keys are ignored")
    func scalarsAndInputs() throws {
        let scalars = try parse(#"{"signature_name": "serving_default", "instances": [1, 2, 3], "extra": {"a": [true, null, "x"]}}"#)
        #expect(scalars.count == 3 && scalars.instanceShape == [] && scalars.values == [1, 2, 3])
        let inputs = try parse(#"{"inputs": [[7, 8]]}"#)
        #expect(inputs.columnar && inputs.count == 1 && inputs.instanceShape == [2])
    }

    @Test("Numbers parse as Float(String) does", arguments: [
        "0", "-0.5", "3.14159265358979", "1e-7", "6.02214076e23", "123456789012345678901234567890",
        "0.000000000000000000000000000000000000011754943", "-2.5E+3", "1.0000001", "340282346638528859811704183484516925440",
    ])
    func numbers(text: String) throws {
        let request = try parse("{\"instances\": [\(text)]}")
        #expect(request.values == [Float(text)!], "\(text)")
    }

    @Test("Malformed JSON is refused with a message that says what is wrong")
    func malformed() {
        #expect(message("")?.contains("empty") == true)
        #expect(message("[1, 2]")?.contains("must be a JSON object") == true)
        #expect(message(#"{"instances": [1, 2"#)?.contains("expected ',' or ']'") == true)
        #expect(message(#"{"instances": [1, 2]} x"#)?.contains("after the JSON object") == true)
        #expect(message(#"{"instances": [01]}"#)?.contains("leading zeros") == true)
        #expect(message(#"{"instances": [1.]}"#)?.contains("malformed number") == true)
        #expect(message(#"{"instances": [1], "instances": [2]}"#)?.contains("appears twice") == true)
        #expect(message(#"{"instance": [1]}"#)?.contains("no \"instances\" key") == true)
        #expect(message(#"{"instances": []}"#)?.contains("is empty") == true)
        #expect(message(#"{"instances": {"x": 1}}"#)?.contains("must be an array") == true)
        #expect(message(#"{"instances": [1], "other": tru}"#)?.contains("expected 'true'") == true)
        #expect(message("{\"instances\": [1], \"s\": \"a\u{01}\"}")?.contains("control character") == true)
    }

    @Test("Non-numbers and ragged instances are named by their place")
    func placeOfTheProblem() {
        #expect(message(#"{"instances": [[1, 2], [3, "4"]]}"#) == "instances[1][1]: expected a number, found a string")
        #expect(message(#"{"instances": [[1, 2], [3, null]]}"#) == "instances[1][1]: expected a number, found null")
        #expect(message(#"{"instances": [[1, 2], [3, [4]]]}"#) == "instances[1][1]: expected a number, found an array")
        #expect(message(#"{"instances": [[1, 2], 3]}"#) == "instances[1]: expected an array, found a number")
        #expect(message(#"{"instances": [[1, 2], [3]]}"#)?.hasPrefix("instances[1] has 1 elements where earlier arrays at this level have 2") == true)
        #expect(message(#"{"inputs": [[true]]}"#) == "inputs[0][0]: expected a number, found a boolean")
    }

    @Test("Numbers outside float32 and absurd nesting are refused, not crashed on")
    func limits() {
        #expect(message(#"{"instances": [1e39]}"#)?.contains("outside the float32 range") == true)
        #expect(message(#"{"instances": [-1e400]}"#)?.contains("outside the float32 range") == true)
        let deep = "{\"instances\": " + String(repeating: "[", count: 100_000) + "}"
        #expect(message(deep)?.contains("nested deeper than 64") == true)
        let deepOther = "{\"x\": " + String(repeating: "{\"a\":", count: 100_000) + "}"
        #expect(message(deepOther)?.contains("nested deeper than 64") == true)
    }
}
