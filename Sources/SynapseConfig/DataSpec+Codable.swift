/// Data sources in saved preprocessing JSON: `{"kind": "bundled", "name": "mnist"}`,
/// `{"kind": "csv", "path": ..., "label": ..., "header": ..., "delimiter": ..., "features": ...}`,
/// `{"kind": "idx", "images": ..., "labels": ..., "test_images": ..., "test_labels": ...}`,
/// `{"kind": "npz", "path": ...}`, `{"kind": "image_folder", "path": ..., "test_path": ..., "height": ..., "width": ..., "grayscale": ...}`.
extension DataSpec.Source {
    private enum CodingKeys: String, CodingKey {
        case kind, name, path, label, header, delimiter, features, images, labels
        case testImages = "test_images", testLabels = "test_labels"
        case testPath = "test_path", height, width, grayscale
    }

    /// Reads the JSON form above.
    ///
    /// - Parameter decoder: the decoder holding one source object, keyed by `kind`.
    /// - Throws: `DecodingError` when a required key is missing or `kind` is unknown.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .kind) {
        case "bundled":
            self = .bundled(try container.decode(String.self, forKey: .name))
        case "csv":
            self = .csv(path: try container.decode(String.self, forKey: .path), label: try container.decode(String.self, forKey: .label),
                        header: try container.decode(Bool.self, forKey: .header),
                        delimiter: try container.decode(String.self, forKey: .delimiter),
                        features: try container.decodeIfPresent([String].self, forKey: .features))
        case "idx":
            self = .idx(images: try container.decode(String.self, forKey: .images), labels: try container.decode(String.self, forKey: .labels),
                        testImages: try container.decodeIfPresent(String.self, forKey: .testImages),
                        testLabels: try container.decodeIfPresent(String.self, forKey: .testLabels))
        case "npz":
            self = .npz(path: try container.decode(String.self, forKey: .path))
        case "image_folder":
            self = .imageFolder(path: try container.decode(String.self, forKey: .path),
                                testPath: try container.decodeIfPresent(String.self, forKey: .testPath),
                                height: try container.decode(Int.self, forKey: .height),
                                width: try container.decode(Int.self, forKey: .width),
                                grayscale: try container.decode(Bool.self, forKey: .grayscale))
        case let kind:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: container, debugDescription: "unknown data source kind \"\(kind)\"")
        }
    }

    /// Writes the JSON form above.
    ///
    /// - Parameter encoder: the encoder to write one source object to; optional values left `nil` are omitted.
    /// - Throws: the encoder's errors.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .bundled(let name):
            try container.encode("bundled", forKey: .kind)
            try container.encode(name, forKey: .name)
        case .csv(let path, let label, let header, let delimiter, let features):
            try container.encode("csv", forKey: .kind)
            try container.encode(path, forKey: .path)
            try container.encode(label, forKey: .label)
            try container.encode(header, forKey: .header)
            try container.encode(delimiter, forKey: .delimiter)
            try container.encodeIfPresent(features, forKey: .features)
        case .idx(let images, let labels, let testImages, let testLabels):
            try container.encode("idx", forKey: .kind)
            try container.encode(images, forKey: .images)
            try container.encode(labels, forKey: .labels)
            try container.encodeIfPresent(testImages, forKey: .testImages)
            try container.encodeIfPresent(testLabels, forKey: .testLabels)
        case .npz(let path):
            try container.encode("npz", forKey: .kind)
            try container.encode(path, forKey: .path)
        case .imageFolder(let path, let testPath, let height, let width, let grayscale):
            try container.encode("image_folder", forKey: .kind)
            try container.encode(path, forKey: .path)
            try container.encodeIfPresent(testPath, forKey: .testPath)
            try container.encode(height, forKey: .height)
            try container.encode(width, forKey: .width)
            try container.encode(grayscale, forKey: .grayscale)
        }
    }
}
