import ArgumentParser
import Synapse

/// The `synapse` command line. It parses arguments and prints; the library does the work.
@main
struct SynapseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synapse",
        abstract: "Train, inspect and serve neural networks with Synapse.",
        version: SystemInfo.synapseVersion,
        subcommands: [InfoCommand.self, SummaryCommand.self, InspectCommand.self, ExplainCommand.self,
                      ExportTorchCommand.self, ImportTorchCommand.self, ExportONNXCommand.self, ImportONNXCommand.self, ExportKerasCommand.self, RunModelCommand.self,
                      TrainCommand.self, EvaluateCommand.self, PredictCommand.self, PlotCommand.self,
                      ServeCommand.self])
}
