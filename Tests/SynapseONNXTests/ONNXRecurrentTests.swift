import Foundation
import SynapseCore
import SynapseNN
@testable import SynapseONNX
import SynapseTraining
import Testing

@Suite("ONNX export: recurrent layers")
struct ONNXRecurrentTests {
    typealias Support = ONNXTestSupport

    @Test("LSTM gates are reordered from Keras' i, f, c, o to ONNX's i, o, f, c")
    func lstmGateOrder() throws {
        let (units, features) = (3, 2)
        let lstm = LSTM(units, name: "lstm")
        let model = Sequential {
            Input(shape: [5, features])
            lstm
        }
        Support.randomize(model)
        let onnx = try Support.exported(model)
        #expect(Support.operators(onnx) == ["Transpose", "LSTM", "Squeeze"])
        let w = try #require(Support.initializer(onnx, "lstm.W"))
        let r = try #require(Support.initializer(onnx, "lstm.R"))
        let b = try #require(Support.initializer(onnx, "lstm.B"))
        #expect(w.dims == [1, 4 * Int64(units), Int64(features)])
        #expect(r.dims == [1, 4 * Int64(units), Int64(units)])
        #expect(b.dims == [1, 8 * Int64(units)])
        let (kernel, recurrent, bias) = (lstm.kernel.value.scalars, lstm.recurrentKernel.value.scalars, lstm.bias!.value.scalars)
        let (wValues, rValues, bValues) = (Support.floats(w), Support.floats(r), Support.floats(b))
        let kerasGate = [0, 3, 1, 2]  // ONNX i, o, f, c ← Keras blocks i=0, o=3, f=1, c=2
        let width = 4 * units
        for onnxGate in 0..<4 {
            for unit in 0..<units {
                let row = onnxGate * units + unit
                let column = kerasGate[onnxGate] * units + unit
                for feature in 0..<features {
                    #expect(wValues[row * features + feature] == kernel[feature * width + column])
                }
                for from in 0..<units {
                    #expect(rValues[row * units + from] == recurrent[from * width + column])
                }
                #expect(bValues[row] == bias[column])
                #expect(bValues[width + row] == 0)
            }
        }
        let node = try #require(Support.node(onnx, "LSTM"))
        #expect(Support.string(node, "direction") == "forward")
        #expect(node.attribute.first { $0.name == "activations" }?.strings.map { String(decoding: $0, as: UTF8.self) }
                == ["Sigmoid", "Tanh", "Tanh"])
    }

    @Test("GRU keeps z, r, h, puts the recurrent bias in Rb and sets linear_before_reset")
    func gruBiases() throws {
        let gru = GRU(2, returnSequences: true, goBackwards: true, name: "gru")
        let model = Sequential {
            Input(shape: [4, 3])
            gru
        }
        Support.randomize(model)
        let onnx = try Support.exported(model)
        #expect(Support.operators(onnx) == ["Transpose", "GRU", "Squeeze", "Slice", "Transpose"])
        let node = try #require(Support.node(onnx, "GRU"))
        #expect(Support.int(node, "linear_before_reset") == 1)
        #expect(Support.string(node, "direction") == "reverse")
        #expect(Support.floats(try #require(Support.initializer(onnx, "gru.B"))) == gru.bias!.value.scalars)
        let w = Support.floats(try #require(Support.initializer(onnx, "gru.W")))
        #expect(w == gru.kernel.value.transposed().scalars)
    }

    @Test("Bidirectional is one op with both directions' weights, merged by concatenation")
    func bidirectional() throws {
        let layer = Bidirectional(LSTM(3, returnSequences: true), name: "bi")
        let model = Sequential {
            Input(shape: [6, 2])
            layer
            Bidirectional(SimpleRNN(2), mergeMode: .sum, name: "bi_sum")
        }
        Support.randomize(model)
        let onnx = try Support.exported(model)
        #expect(Support.operators(onnx) == ["Transpose", "LSTM", "Transpose", "Reshape", "Transpose", "RNN", "Transpose", "ReduceSum"])
        #expect(Support.string(Support.node(onnx, "LSTM"), "direction") == "bidirectional")
        let w = try #require(Support.initializer(onnx, "bi.W"))
        #expect(w.dims == [2, 12, 2])
        let backward = layer.backwardLayer.kernel.value
        let backwardRows = Array(Support.floats(w)[24...])
        #expect(backwardRows.prefix(3 * 2) == ArraySlice(backward.transposed().scalars.prefix(3 * 2)))
        #expect(onnx.graph.output[0].type.tensorType.shape.dim.dropFirst().map(\.dimValue) == [2])
    }

    @Test("an Embedding mask becomes sequence_lens from the non-zero tokens")
    func maskedSequenceLengths() throws {
        let model = Sequential {
            Input(shape: [7])
            Embedding(inputDim: 20, outputDim: 4, maskZero: true, name: "embed")
            LSTM(3, returnSequences: true, name: "first")
            LSTM(2, name: "second")
            Dense(1, activation: .sigmoid)
        }
        Support.randomize(model)
        let onnx = try Support.exported(model)
        let ops = Support.operators(onnx)
        #expect(Array(ops.prefix(7)) == ["Cast", "Equal", "Not", "Cast", "ReduceSum", "Gather", "Transpose"])
        let lstms = onnx.graph.node.filter { $0.opType == "LSTM" }
        #expect(lstms.count == 2)
        let lengths = onnx.graph.node.first { $0.opType == "ReduceSum" }!.output[0]
        #expect(lstms.allSatisfy { $0.input.count == 5 && $0.input[4] == lengths })
        // The returned sequence repeats the last valid state at padded steps, as Synapse's.
        #expect(ops.contains("Where"))
    }

    @Test("TimeDistributed(Dense) after an LSTM runs on [batch, time, units]")
    func timeDistributed() throws {
        let model = Sequential {
            Input(shape: [4, 2])
            LSTM(3, returnSequences: true)
            TimeDistributed(Dense(2, activation: .softmax))
        }
        Support.randomize(model)
        let onnx = try Support.exported(model)
        #expect(Support.operators(onnx) == ["Transpose", "LSTM", "Squeeze", "Transpose", "MatMul", "Add", "Softmax"])
        #expect(onnx.graph.output[0].type.tensorType.shape.dim.dropFirst().map(\.dimValue) == [4, 2])
    }
}
