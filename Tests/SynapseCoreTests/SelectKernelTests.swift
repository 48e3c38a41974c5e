import CKernels
import Testing

/// The float32 select row kernel for every combination of operand strides it
/// specialises (0 and 1) and a general one (2), against the definition.
@Suite("Select row kernel")
struct SelectKernelTests {
    @Test("every stride combination picks when_true where the condition is set", arguments: [0, 1, 2])
    func strides(conditionStride: Int) {
        let count = 29
        let condition = (0..<(2 * count)).map { UInt8($0 % 3 == 0 ? 1 : 0) }
        let whenTrue = (0..<(2 * count)).map { Float($0) }
        let whenFalse = (0..<(2 * count)).map { -Float($0) - 0.5 }
        for trueStride in [0, 1, 2] {
            for falseStride in [0, 1, 2] {
                var output = [Float](repeating: .nan, count: count)
                synapse_select_row_f32(condition, conditionStride, whenTrue, trueStride, whenFalse, falseStride,
                                       &output, count)
                let expected = (0..<count).map { i in
                    condition[i * conditionStride] != 0 ? whenTrue[i * trueStride] : whenFalse[i * falseStride]
                }
                #expect(output == expected, "strides \(conditionStride), \(trueStride), \(falseStride)")
            }
        }
    }
}
