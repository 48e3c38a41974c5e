// Pima Indians diabetes: the textbook first Keras model. Eight standardised
// clinical measurements, a 10-8-1 network, binary cross-entropy (or MSE, as some
// textbooks use), Adam, 100 epochs of batch 10.
import ArgumentParser
import ExampleSupport
import Foundation

@main
struct Pima: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pima", abstract: "Predict diabetes onset from the Pima Indians table.")

    @OptionGroup var options: ExampleOptions

    @Option(help: "Loss: binary_crossentropy or mse.")
    var loss: String = "binary_crossentropy"

    mutating func run() throws {
        let epochs = options.epochs ?? 100
        let batchSize = options.batchSize ?? 10
        guard ["binary_crossentropy", "mse", "mean_squared_error"].contains(loss) else {
            throw ValidationError("--loss must be binary_crossentropy or mse, got \(loss)")
        }
        Random.seed(options.seed)
        let (features, labels) = try PimaDiabetes.load(dataDirectory: options.dataDirectoryURL())
        let split = trainTestSplit(features, labels, testFraction: 0.2, seed: options.seed)
        // Statistics come from the training rows only, so no test information leaks in.
        var scaler = StandardScaler()
        scaler.fit(split.xTrain)
        let (xTrain, xTest) = (scaler.transform(split.xTrain), scaler.transform(split.xTest))

        let model = Sequential(name: "pima") {
            Input(shape: [8])
            Dense(10, activation: .relu)
            Dense(8, activation: .relu)
            Dense(1, activation: .sigmoid)
        }
        try model.compile(optimizer: Adam(), loss: loss, metrics: ["binary_accuracy"])
        if !options.json { model.summary() }
        let (history, seconds) = measureSeconds {
            model.fit(x: xTrain, y: split.yTrain, epochs: epochs, batchSize: batchSize,
                      validationData: (xTest, split.yTest), callbacks: options.tensorBoardCallbacks(),
                      verbose: options.json ? 0 : 2)
        }
        let test = model.evaluate(x: xTest, y: split.yTest)
        let accuracy = test["binary_accuracy"] ?? .nan
        print("test accuracy \(accuracy), test loss \(test["loss"] ?? .nan) (\(xTest.shape[0]) held-out rows), \(String(format: "%.1f", seconds)) s")

        let output = try options.outputDirectoryURL()
        let predicted = model.predict(xTest).scalars
        var scatter = ScatterPlot.predictedVersusTrue(trueValues: split.yTest.scalars, predicted: predicted,
                                                      title: "Pima: predicted probability vs outcome")
        // Outcomes are 0 or 1: leave room so the points at the edges are not clipped.
        scatter.xRange = -0.1...1.1
        scatter.yRange = -0.05...1.05
        if options.writesFiles {
            try scatter.write(to: output.appendingPathComponent("pima_predictions.svg"))
            try scatter.write(to: output.appendingPathComponent("pima_predictions.png"))
            let curves = try history.writeTrainingCurves(to: output, name: "pima")
            print("plots: pima_predictions.{svg,png}, " + curves.map(\.lastPathComponent).joined(separator: ", "))
        }
        if let path = options.save {
            try model.save(to: URL(fileURLWithPath: path))
            print("saved the trained model to \(path)")
        }
        if options.json {
            var report = ExampleReport(example: "pima", epochs: epochs, seed: options.seed)
            report.set("train_seconds", seconds)
            report.set("test_accuracy", accuracy)
            report.set("test_loss", test["loss"] ?? .nan)
            report.set("loss_function", loss)
            report.printJSON()
        }
    }
}
