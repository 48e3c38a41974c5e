// Whole-workload timings of Synapse, printed as one JSON object per workload so a
// driver script can put them next to PyTorch's (Benchmarks/xor_step.py).
//
//   synapse-bench xor-step [--steps N] [--repeats R]
import Foundation
import Synapse

/// Median, minimum and maximum of a list of seconds.
func summary(_ samples: [Double]) -> (median: Double, min: Double, max: Double) {
    let sorted = samples.sorted()
    return (sorted[sorted.count / 2], sorted.first!, sorted.last!)
}

func seconds(_ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// W4: the 2-4-1 sigmoid XOR network, MSE, SGD(0.5), full batch of 4 — the
/// framework's own overhead per step. Two styles: the PyTorch-style loop
/// (forward, backward, optimizer step) and Keras' `trainOnBatch`.
func xorStep(steps: Int, repeats: Int) {
    let x = Tensor([[0, 0], [0, 1], [1, 0], [1, 1]])
    let y = Tensor([[0], [1], [1], [0]])
    Random.seed(1)
    let model = Sequential {
        Input(shape: [2])
        Dense(4, activation: .sigmoid)
        Dense(1, activation: .sigmoid)
    }
    let optimizer = SGD(learningRate: 0.5)
    model.compile(optimizer: optimizer, loss: MeanSquaredError())
    optimizer.parameters = model.trainableParameters
    let loss = MeanSquaredError()
    func manualStep() {
        optimizer.zeroGrad()
        let value = loss(y, model(x, training: true))
        value.backward()
        optimizer.step()
    }
    var manual: [Double] = []
    var keras: [Double] = []
    for _ in 0..<steps / 10 { manualStep() }   // warm-up
    for _ in 0..<repeats {
        manual.append(seconds { for _ in 0..<steps { manualStep() } } / Double(steps))
        keras.append(seconds { for _ in 0..<steps { _ = model.trainOnBatch(x: x, y: y) } } / Double(steps))
    }
    let m = summary(manual), k = summary(keras)
    let finalLoss = loss(y, model.predict(x)).item
    print("{\"workload\": \"xor-step\", \"framework\": \"synapse\", \"unit\": \"seconds/step\", "
        + "\"median\": \(m.median), \"min\": \(m.min), \"max\": \(m.max), "
        + "\"train_on_batch_median\": \(k.median), \"steps\": \(steps), \"repeats\": \(repeats), "
        + "\"threads\": \(Parallel.threadCount), \"final_loss\": \(finalLoss)}")
}

var arguments = CommandLine.arguments.dropFirst()
let workload = arguments.popFirst() ?? "xor-step"
func option(_ name: String, default value: Int) -> Int {
    guard let index = CommandLine.arguments.firstIndex(of: name), index + 1 < CommandLine.arguments.count,
          let parsed = Int(CommandLine.arguments[index + 1]) else { return value }
    return parsed
}
switch workload {
case "xor-step":
    xorStep(steps: option("--steps", default: 2000), repeats: option("--repeats", default: 5))
default:
    FileHandle.standardError.write(Data("synapse-bench: unknown workload '\(workload)' (known: xor-step)\n".utf8))
    exit(2)
}
