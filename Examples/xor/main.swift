// XOR: the classic 2-4-1 network that a single neuron cannot learn.
//
// By default it uses the Keras-style API (Sequential, compile, fit, predict). With
// --from-scratch it trains the same network with nothing but tensors and
// `backward()`: the textbook NumPy loop, with the gradients computed for us.
import ArgumentParser
import ExampleSupport
import Foundation

@main
struct XOR: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "xor", abstract: "Train a 2-4-1 network on XOR with plain gradient descent.")

    @OptionGroup var options: ExampleOptions

    @Flag(name: .customLong("from-scratch"), help: "Train with raw tensors and backward() instead of the Model API.")
    var fromScratch = false

    @Option(help: "Hidden activation: tanh or sigmoid.")
    var activation: String = "tanh"

    @Option(name: .customLong("learning-rate"), help: "Gradient-descent step size.")
    var learningRate: Float = 0.5

    mutating func run() throws {
        let epochs = options.epochs ?? 2000
        guard let hidden = ActivationFunction(name: activation), hidden == .tanh || hidden == .sigmoid else {
            throw ValidationError("--activation must be tanh or sigmoid, got \(activation)")
        }
        if fromScratch && options.save != nil {
            throw ValidationError("--save needs the Model API; --from-scratch trains raw tensors, not a model")
        }
        Random.seed(options.seed)
        let x = Tensor([[0, 0], [0, 1], [1, 0], [1, 1]])
        let y = Tensor([[0], [1], [1], [0]])

        var trainedModel: Sequential?
        let ((predictions, finalLoss), seconds) = measureSeconds { () -> ([Float], Float) in
            if fromScratch { return trainFromScratch(x: x, y: y, hidden: hidden, epochs: epochs) }
            let (model, predictions, loss) = trainWithModel(x: x, y: y, hidden: hidden, epochs: epochs)
            trainedModel = model
            return (predictions, loss)
        }

        for (input, output) in zip(["00", "01", "10", "11"], predictions) {
            print("\(input) -> \(output)")
        }
        print("final loss \(finalLoss) after \(epochs) epochs (\(fromScratch ? "from scratch" : "Model API"))")
        if let path = options.save, let model = trainedModel {
            try model.save(to: URL(fileURLWithPath: path))
            print("saved the trained model to \(path)")
        }
        if options.json {
            var report = ExampleReport(example: "xor", epochs: epochs, seed: options.seed)
            report.set("train_seconds", seconds)
            report.set("final_loss", finalLoss)
            report.set("predictions", predictions)
            report.set("from_scratch", fromScratch)
            report.printJSON()
        }
    }

    /// The Keras way: a Sequential model, SGD, mean squared error, full batch.
    func trainWithModel(x: Tensor, y: Tensor, hidden: ActivationFunction, epochs: Int) -> (Sequential, [Float], Float) {
        let model = Sequential {
            Input(shape: [2])
            Dense(4, activation: hidden)
            Dense(1, activation: .sigmoid)
        }
        model.compile(optimizer: SGD(learningRate: learningRate), loss: MeanSquaredError())
        let history = model.fit(x: x, y: y, epochs: epochs, batchSize: 4, shuffle: false,
                                callbacks: options.tensorBoardCallbacks(), verbose: 0)
        return (model, model.predict(x).scalars, history.values["loss"]?.last ?? .nan)
    }

    /// The same network by hand: parameters as tensors, forward, backward(), update.
    func trainFromScratch(x: Tensor, y: Tensor, hidden: ActivationFunction, epochs: Int) -> ([Float], Float) {
        let limit1 = (6 / Float(2 + 4)).squareRoot()
        let limit2 = (6 / Float(4 + 1)).squareRoot()
        var w1 = Tensor.randomUniform([2, 4], low: -limit1, high: limit1).requiringGrad()
        var b1 = Tensor.zeros([4]).requiringGrad()
        var w2 = Tensor.randomUniform([4, 1], low: -limit2, high: limit2).requiringGrad()
        var b2 = Tensor.zeros([1]).requiringGrad()
        var loss = Tensor(0)
        for _ in 0..<epochs {
            let output = (hidden(x.matmul(w1) + b1).matmul(w2) + b2).sigmoid()
            loss = (output - y).square().mean()
            loss.backward()
            // Plain gradient descent; the update itself is not part of the graph.
            withoutGradient {
                w1 = (w1 - learningRate * w1.grad!).requiringGrad()
                b1 = (b1 - learningRate * b1.grad!).requiringGrad()
                w2 = (w2 - learningRate * w2.grad!).requiringGrad()
                b2 = (b2 - learningRate * b2.grad!).requiringGrad()
            }
        }
        let predictions = withoutGradient { (hidden(x.matmul(w1) + b1).matmul(w2) + b2).sigmoid() }
        return (predictions.scalars, loss.item)
    }
}
