import Foundation

extension Model {
    /// The model's layers drawn as a graph (Keras' `plot_model`): one box per layer
    /// with its name, type and output shape, and an arrow for every connection,
    /// inputs at the top.
    ///
    /// A ``Sequential`` draws as a chain; a functional model as its graph (a layer
    /// called several times has one box with all its arrows).
    ///
    /// - Parameter title: a title above the graph; by default the model's name.
    /// - Returns: the diagram; write it with `write(to:)` or use ``plot(to:title:)``.
    public func graphDiagram(title: String? = nil) -> GraphDiagram {
        buildFromDeclaredInput()
        let layers: [Layer]
        var edges: [(from: Int, to: Int)] = []
        if let graph {
            layers = graph.layers
            let index = Dictionary(uniqueKeysWithValues: layers.enumerated().map { (ObjectIdentifier($0.element), $0.offset) })
            var seen = Set<[Int]>()
            for node in graph.nodes {
                for input in node.inputs {
                    let edge = [index[ObjectIdentifier(input.layer)]!, index[ObjectIdentifier(node.layer)]!]
                    if seen.insert(edge).inserted { edges.append((edge[0], edge[1])) }
                }
            }
        } else {
            layers = self.layers
            edges = layers.indices.dropFirst().map { ($0 - 1, $0) }
        }
        let boxes = layers.map { layer -> [String] in
            let shape = layer.outputShape.map { "(None, " + $0.map(String.init).joined(separator: ", ") + ")" } ?? "?"
            return ["\(layer.name) (\(type(of: layer)))", shape]
        }
        do {
            return try GraphDiagram(boxes: boxes, edges: edges, title: title ?? name)
        } catch {
            fatalError("Model '\(name)': \(error)")   // unreachable: edges come from a recorded graph
        }
    }

    /// Writes ``graphDiagram(title:)`` as an SVG or PNG picture (chosen by the file
    /// extension), atomically.
    ///
    /// ```swift
    /// try model.plot(to: URL(fileURLWithPath: "resnet.png"))
    /// ```
    ///
    /// - Parameters:
    ///   - url: a `.svg` or `.png` file.
    ///   - title: a title above the graph; by default the model's name.
    /// - Throws: ``/SynapsePlot/PlotError`` for another extension or an unwritable file.
    public func plot(to url: URL, title: String? = nil) throws {
        try graphDiagram(title: title).write(to: url)
    }
}
