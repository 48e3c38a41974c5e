import Foundation

/// Runs a ``TrainingConfig``: loads and preprocesses the data, builds and compiles
/// the model (every shape checked first), trains it with the configured callbacks,
/// evaluates it on the test samples and writes the results into one folder:
///
/// | file | content |
/// | --- | --- |
/// | `model.safetensors` | the trained model (with the preprocessing in its metadata) |
/// | `preprocessing.json` | the fitted preprocessing (scaler statistics, classes) |
/// | `history.csv`, `history.json` | loss and metrics per epoch |
/// | `<name>_<quantity>.png`, `.svg` | training curves |
/// | `checkpoints/`, `training_log.csv` | when the callbacks ask for them |
///
/// ```swift
/// let config = try TrainingConfig.load(from: URL(fileURLWithPath: "Examples/configs/pima.yaml"))
/// let run = TrainingRun(config: config, options: .init(outputDirectory: URL(fileURLWithPath: "runs/pima")))
/// let result = try run.run()
/// print(result.test ?? [:])
/// ```
public struct TrainingRun {
    /// Settings that come from the command line rather than the file.
    public struct Options: Sendable {
        /// The folder to write into (created if needed).
        public var outputDirectory: URL
        /// A checkpoint to continue from.
        public var resume: URL?
        /// Overrides `training.epochs`.
        public var epochs: Int?
        /// Overrides `data.limit` (training samples) and `data.test_limit`.
        public var limit: Int?
        /// Overrides `training.batch_size`.
        public var batchSize: Int?
        /// 0 silent, 1 progress bar, 2 one line per epoch.
        public var verbose: Int
        /// Where bundled data sets live.
        public var dataDirectory: URL
        /// Overrides `training.device`.
        public var device: Device?

        /// - Parameters:
        ///   - outputDirectory: the folder to write into.
        ///   - resume: a checkpoint to continue from.
        ///   - epochs: overrides the configured epochs.
        ///   - limit: overrides the configured sample limits.
        ///   - batchSize: overrides the configured batch size.
        ///   - verbose: progress output (0, 1 or 2).
        ///   - dataDirectory: where bundled data sets live.
        ///   - device: overrides the configured device (default: the file's `training.device`).
        public init(outputDirectory: URL, resume: URL? = nil, epochs: Int? = nil, limit: Int? = nil, batchSize: Int? = nil, verbose: Int = 1,
                    dataDirectory: URL = DataDirectory.default, device: Device? = nil) {
            (self.outputDirectory, self.resume, self.epochs, self.limit) = (outputDirectory, resume, epochs, limit)
            (self.batchSize, self.verbose, self.dataDirectory, self.device) = (batchSize, verbose, dataDirectory, device)
        }
    }

    /// What a run produced.
    public struct Result {
        /// The trained model.
        public var model: Sequential
        /// The fitted preprocessing.
        public var preprocessing: Preprocessing
        /// Every epoch's loss and metrics (including those before a resume).
        public var history: History
        /// Loss and metrics on the test samples, when there are any.
        public var test: Logs?
        /// The epoch training started at (after a resume).
        public var initialEpoch: Int
        /// The files written, model first.
        public var files: [URL]
        /// Training time in seconds.
        public var seconds: Double
    }

    /// The configuration.
    public let config: TrainingConfig
    /// The command-line settings.
    public let options: Options

    /// - Parameters:
    ///   - config: a checked configuration.
    ///   - options: the command-line settings.
    public init(config: TrainingConfig, options: Options) {
        (self.config, self.options) = (config, options)
    }

    /// `runs/<name>-<yyyyMMdd-HHmmss>` (UTC) under `base`.
    ///
    /// - Parameters:
    ///   - name: the run's name.
    ///   - date: the time stamped into the folder name; default `Date()` (now).
    ///   - base: the parent folder; default `runs` in the current directory.
    /// - Returns: `base/<name>-<yyyyMMdd-HHmmss>`; the folder is not created.
    public static func defaultOutputDirectory(name: String, date: Date = Date(),
                                              base: URL = URL(fileURLWithPath: "runs", isDirectory: true)) -> URL {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return base.appendingPathComponent("\(name)-\(formatter.string(from: date))", isDirectory: true)
    }

    /// The model, data and preprocessing, ready to train.
    public struct Prepared {
        /// The built and compiled model.
        public var model: Sequential
        /// The fitted preprocessing.
        public var preprocessing: Preprocessing
        /// Preprocessed training inputs and targets.
        public var x: Tensor, y: Tensor
        /// Preprocessed test inputs and targets, if any.
        public var test: (x: Tensor, y: Tensor)?
    }

    /// Loads the data, fits the preprocessing, builds and compiles the model. Every
    /// mistake (a data file that does not parse, a layer that cannot take the data's
    /// shape, an output size that does not fit the labels) is a ``ConfigError``.
    public func prepare() throws -> Prepared {
        Random.seed(config.training.seed)
        var dataSpec = config.data
        if let limit = options.limit { (dataSpec.limit, dataSpec.testLimit) = (limit, limit) }
        let data: LoadedData
        do {
            data = try dataSpec.load(labels: config.labelKind, dataDirectory: options.dataDirectory)
        } catch let error as ConfigError {
            throw error
        } catch {
            throw config.dataNode.error(String(describing: error))
        }
        var preprocessing = config.preprocessing
        preprocessing.fit(data.xTrain)
        preprocessing.inputShape = Array(data.xTrain.shape.dropFirst())
        preprocessing.labelKind = config.labelKind
        preprocessing.featureNames = data.featureNames
        preprocessing.labelName = data.labelName
        preprocessing.classNames = data.classNames
        preprocessing.data = config.data
        if config.labelKind == .classes {
            let largest = Int(data.yTrain.to(.float32).scalars.max() ?? 0)
            preprocessing.classCount = Swift.max(data.classNames?.count ?? 0, largest + 1)
        } else if config.training.lossName == "binary_crossentropy" {
            preprocessing.classCount = 2
        }
        let device = try trainingDevice()
        let (model, outputShape) = try withDevice(device) {
            try config.model.makeModel(inputShape: preprocessing.inputShape, name: config.name)
        }
        try checkOutput(outputShape, preprocessing: preprocessing, targetWidth: data.yTrain.rank == 2 ? data.yTrain.shape[1] : nil)
        let (optimizer, loss, metrics) = try config.training.makeObjects()
        model.compile(optimizer: optimizer, loss: loss, metrics: metrics)
        if let privacy = config.privacy {
            do {
                try privacy.validate(for: model)
            } catch let error as PrivacyError {
                let node = config.privacyNode!
                throw ConfigError(file: node.file, line: node.line, key: node.path, message: error.description)
            }
            model.privacy = privacy
        }
        var test: (x: Tensor, y: Tensor)?
        if let xTest = data.xTest, let yTest = data.yTest {
            test = (preprocessing.transform(xTest), preprocessing.targets(yTest))
        }
        return Prepared(model: model, preprocessing: preprocessing, x: preprocessing.transform(data.xTrain),
                        y: preprocessing.targets(data.yTrain), test: test)
    }

    /// The configured device (`training.device`, or the command line's `--device`),
    /// checked for availability.
    func trainingDevice() throws -> Device {
        let device = options.device ?? config.training.device
        if case .failure(let reason) = Backends.lookup(device) {
            throw ConfigError(file: config.dataNode.file, line: 0, key: "training.device", message: reason.description)
        }
        return device
    }

    private func checkOutput(_ outputShape: [Int], preprocessing: Preprocessing, targetWidth: Int?) throws {
        guard let last = config.model.layers.last, let outputs = outputShape.last else { return }
        let expected: Int
        let what: String
        if config.labelKind == .classes, let classes = preprocessing.classCount {
            (expected, what) = (classes, "the data has \(classes) classes")
        } else if let targetWidth {
            (expected, what) = (targetWidth, "the targets have \(targetWidth) value\(targetWidth == 1 ? "" : "s") per sample")
        } else {
            return
        }
        guard outputs == expected, outputShape.count == 1 else {
            throw ConfigError(file: last.node.file, line: last.node.line, key: last.node.path,
                              message: "the model's output per sample is \(Shape.describe(outputShape)) but \(what) (loss \(config.training.lossName))")
        }
    }

    /// Trains and writes every result file.
    ///
    /// - Throws: ``ConfigError`` before training; file errors after.
    public func run() throws -> Result { try run(try prepare()) }

    /// Trains a model from ``prepare()`` and writes every result file.
    ///
    /// - Parameter prepared: the compiled model, fitted preprocessing and preprocessed data.
    /// - Returns: the trained model, its history, the test logs and the files written (only the
    ///   main process writes files under `mpirun`).
    /// - Throws: errors resuming from a checkpoint or writing the output folder and result files.
    public func run(_ prepared: Prepared) throws -> Result {
        let model = prepared.model
        let output = options.outputDirectory
        // Under mpirun every rank trains; rank 0 alone writes (see Distributed).
        let writesFiles = Distributed.isMainProcess
        if writesFiles { try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true) }
        var initialEpoch = 0
        let previous = History()
        if let resume = options.resume {
            initialEpoch = try model.loadCheckpoint(from: resume)
            if let old = try? ModelFile.read(from: resume).history {
                for (row, epoch) in old.epochs.enumerated() where epoch < initialEpoch {
                    previous.record(epoch: epoch, logs: Logs(old.values.compactMapValues { row < $0.count ? $0[row] : nil }))
                }
            }
        } else {
            Random.seed(config.training.seed)
        }
        let callbacks = try makeCallbacks(resuming: options.resume != nil)
        let epochs = options.epochs ?? config.training.epochs
        let start = Date()
        let batchSize = options.batchSize ?? config.training.batchSize
        // fit moves the data to the model's device (training.device).
        let history = model.fit(x: prepared.x, y: prepared.y, epochs: epochs, batchSize: batchSize,
                                validationSplit: Float(prepared.preprocessing.validationSplit), shuffle: config.training.shuffle,
                                callbacks: callbacks, verbose: options.verbose, initialEpoch: initialEpoch)
        let seconds = Date().timeIntervalSince(start)
        for (row, epoch) in history.epochs.enumerated() {
            previous.record(epoch: epoch, logs: Logs(history.values.compactMapValues { row < $0.count ? $0[row] : nil }))
        }
        let test = prepared.test.map { model.evaluate(x: $0.x, y: $0.y, batchSize: Swift.max(batchSize, 256)) }
        let files = writesFiles ? try writeResults(model: model, preprocessing: prepared.preprocessing, history: previous) : []
        return Result(model: model, preprocessing: prepared.preprocessing, history: previous, test: test,
                      initialEpoch: initialEpoch, files: files, seconds: seconds)
    }

    private func makeCallbacks(resuming: Bool) throws -> [any Callback] {
        var callbacks: [any Callback] = []
        let spec = config.callbacks
        if let early = spec.earlyStopping {
            callbacks.append(EarlyStopping(monitor: early.monitor, minDelta: early.minDelta, patience: early.patience,
                                           restoreBestWeights: early.restoreBestWeights))
        }
        if let checkpoint = spec.checkpoint {
            let folder = options.outputDirectory.appendingPathComponent("checkpoints", isDirectory: true)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let file = folder.appendingPathComponent(checkpoint.saveBestOnly ? "best.safetensors" : "last.safetensors")
            callbacks.append(ModelCheckpoint(filepath: file.path, monitor: checkpoint.monitor, saveBestOnly: checkpoint.saveBestOnly))
        }
        if let name = spec.csvLog {
            callbacks.append(CSVLogger(path: options.outputDirectory.appendingPathComponent(name).path, append: resuming))
        }
        if let tensorBoard = spec.tensorBoard {
            callbacks.append(TensorBoard(logDir: tensorBoardDirectory(tensorBoard).path, updateFrequency: tensorBoard.updateFrequency,
                                         histogramFrequency: tensorBoard.histogramFrequency, writeImages: tensorBoard.writeImages))
        }
        return callbacks
    }

    /// The TensorBoard folder: `log_dir` as given when absolute, else inside the output folder.
    private func tensorBoardDirectory(_ spec: CallbackSpec.TensorBoardSpec) -> URL {
        spec.logDir.hasPrefix("/") ? URL(fileURLWithPath: spec.logDir, isDirectory: true)
            : options.outputDirectory.appendingPathComponent(spec.logDir, isDirectory: true)
    }

    private func writeResults(model: Sequential, preprocessing: Preprocessing, history: History) throws -> [URL] {
        let output = options.outputDirectory
        let modelURL = output.appendingPathComponent("model.safetensors")
        try SavedModel.save(model, preprocessing: preprocessing, to: modelURL)
        let historyCSV = output.appendingPathComponent("history.csv")
        let historyJSON = output.appendingPathComponent("history.json")
        try Data(history.csv().utf8).write(to: historyCSV, options: .atomic)
        try HistoryFile.jsonData(history).write(to: historyJSON, options: .atomic)
        let curves = try history.writeTrainingCurves(to: output, name: config.name)
        var extra: [URL] = []
        if let name = config.callbacks.csvLog { extra.append(output.appendingPathComponent(name)) }
        if let tensorBoard = config.callbacks.tensorBoard { extra.append(tensorBoardDirectory(tensorBoard)) }
        if let checkpoint = config.callbacks.checkpoint {
            let file = output.appendingPathComponent("checkpoints/" + (checkpoint.saveBestOnly ? "best.safetensors" : "last.safetensors"))
            if FileManager.default.fileExists(atPath: file.path) { extra.append(file) }
        }
        return [modelURL, output.appendingPathComponent(SavedModel.preprocessingFileName), historyCSV, historyJSON] + curves + extra
    }
}
