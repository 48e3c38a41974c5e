import Foundation

/// The Pima Indians Diabetes data set: 768 patients, 8 numeric measurements and a
/// binary label (1 = signs of diabetes), shipped in `Data/pima/` (see its README
/// for the source and terms).
///
/// Zeros in glucose, blood pressure, skin thickness, insulin and BMI mean
/// "missing"; they are returned as they are in the file.
///
/// ```swift
/// let (x, y) = try PimaDiabetes.load()   // x: [768, 8], y: [768, 1], float32
/// ```
public enum PimaDiabetes {
    /// The data set's name in messages.
    public static let name = "Pima Indians Diabetes"
    /// The folder under the data directory.
    public static let folder = "pima"
    /// The CSV file name (no header, 9 comma-separated numbers per line).
    public static let fileName = "pima-indians-diabetes.data.csv"
    /// The number of patients.
    public static let sampleCount = 768
    /// The eight feature columns, in file order.
    public static let featureNames = [
        "pregnancies", "glucose", "blood_pressure", "skin_thickness", "insulin", "bmi", "diabetes_pedigree", "age",
    ]
    /// The label column (the ninth).
    public static let labelName = "outcome"

    /// Where the CSV file is expected under `dataDirectory`.
    ///
    /// - Parameter dataDirectory: the data folder that holds `pima/`.
    /// - Returns: `dataDirectory/pima/pima-indians-diabetes.data.csv`; the file may not exist.
    public static func fileURL(dataDirectory: URL) -> URL {
        dataDirectory.appendingPathComponent(folder, isDirectory: true).appendingPathComponent(fileName)
    }

    /// Reads the CSV file as a table (no header; the label is the last column).
    ///
    /// - Parameter dataDirectory: the folder that holds `pima/`.
    /// - Returns: the table as read (768 rows of 9 columns when the file is intact).
    /// - Throws: ``DataSetError/missingFile(dataSet:path:)`` naming the path looked at, or a
    ///   ``CSVError`` naming the line and column of a damaged field.
    public static func table(dataDirectory: URL = DataDirectory.default) throws -> CSVTable {
        let url = fileURL(dataDirectory: dataDirectory)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw DataSetError.missingFile(dataSet: name, path: url.path)
        }
        return try CSVTable(contentsOf: url, hasHeader: false)
    }

    /// Loads the features and labels.
    ///
    /// - Parameter dataDirectory: the folder that holds `pima/`; ``DataDirectory/default``
    ///   (the repository's `Data/`, or `SYNAPSE_DATA_DIR`) when omitted.
    /// - Returns: features float32 `[768, 8]` and labels float32 `[768, 1]` (0 or 1).
    /// - Throws: ``DataSetError/missingFile(dataSet:path:)`` naming the path looked at,
    ///   ``DataSetError/unexpectedShape(dataSet:path:expected:found:)``, or a ``CSVError``
    ///   naming the line and column of a damaged field.
    public static func load(dataDirectory: URL = DataDirectory.default) throws -> (features: Tensor, labels: Tensor) {
        let table = try Self.table(dataDirectory: dataDirectory)
        let url = fileURL(dataDirectory: dataDirectory)
        guard table.rowCount == sampleCount, table.columnCount == featureNames.count + 1 else {
            throw DataSetError.unexpectedShape(dataSet: name, path: url.path, expected: [sampleCount, featureNames.count + 1],
                                               found: [table.rowCount, table.columnCount])
        }
        return try table.featuresAndLabels(labelColumn: -1, labelDType: .float32)
    }
}
