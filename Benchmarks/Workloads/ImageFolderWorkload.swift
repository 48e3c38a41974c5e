// W6: the MNIST CNN epoch fed from a folder of PNG files, against the same epoch
// from tensors in memory.
import Foundation
import Synapse

/// Writes MNIST's training images (the first `samples`, all 60,000 by default) as
/// `folder/<digit>/<index>.png` with ``ImageFolder/write(_:labels:to:classNames:maximumValue:)``,
/// for W6's Synapse and PyTorch sides to read the same files.
///
/// The files go to a sibling folder first, renamed to `folder` once all are written,
/// so an existing `folder` is complete and is reused as it is. Prints one JSON line:
/// the folder, its image count and the seconds spent (0 when reused).
func writeMNISTFolder(_ settings: BenchSettings, folder: String) {
    let destination = URL(fileURLWithPath: folder).standardizedFileURL
    let fileManager = FileManager.default
    if fileManager.fileExists(atPath: destination.path) {
        printJSON(["folder": destination.path, "reused": true, "seconds": 0])
        return
    }
    let partial = destination.deletingLastPathComponent()
        .appendingPathComponent(".\(destination.lastPathComponent).partial-\(ProcessInfo.processInfo.processIdentifier)")
    let start = now()
    do {
        let (images, labels) = try MNIST.load(split: .train, limit: settings.samples)
        try? fileManager.removeItem(at: partial)
        let written = try ImageFolder.write(images, labels: labels, to: partial)
        try fileManager.moveItem(at: partial, to: destination)
        printJSON(["folder": destination.path, "images": written, "reused": false, "seconds": now() - start])
    } catch {
        try? fileManager.removeItem(at: partial)
        fail("cannot write the MNIST folder \(destination.path): \(error)")
    }
}

/// W6: one epoch of ``mnistCNN(pixelScale:)`` fed by
/// `DataLoader(ImageFolder(folder, size: (28, 28), colorMode: .grayscale), batchSize: 64,
/// shuffle: true, workers: workers)` — pixels 0...255 scaled by a leading
/// `Rescaling(scale: 1 / 255)`, as ImageFolder's users write it — against the W2 epoch
/// over the same images loaded by `MNIST.load(split: .train)` (in [0, 1], in memory).
///
/// The two epochs alternate (after one warm-up epoch each), so both see the same
/// spells of a machine whose speed drifts. The folder is scanned once, as a user
/// constructs the data set once: that scan (listing, and decoding every file once
/// to verify it, ImageFolder's default) is not part of the epoch and is reported
/// on its own as `folder-scan`.
///
/// Results: `cnn-folder` and `cnn-memory` (seconds/epoch), `folder-scan` (seconds).
func folderEpoch(_ settings: BenchSettings, folder: String, workers: Int) {
    let samples = settings.samples ?? 60_000
    let url = URL(fileURLWithPath: folder)
    let names = ["cnn-folder", "cnn-memory", "folder-scan"]
    let memory: (images: Tensor, labels: Tensor)
    let images: ImageFolder
    let scanStart = now()
    do {
        images = try ImageFolder(url, size: (28, 28), colorMode: .grayscale)
    } catch {
        names.forEach { reportUnavailable($0, reason: "cannot read the folder \(folder): \(error)") }
        return
    }
    let scan = now() - scanStart
    do {
        memory = try MNIST.load(split: .train, limit: samples)
    } catch {
        names.forEach { reportUnavailable($0, reason: "cannot load MNIST: \(error)") }
        return
    }
    guard images.count == memory.images.shape[0] else {
        names.forEach {
            reportUnavailable($0, reason: "\(folder) holds \(images.count) images, not the \(memory.images.shape[0]) of the in-memory epoch")
        }
        return
    }
    let loader = DataLoader(images, batchSize: 64, shuffle: true, workers: workers)
    let folderModel = mnistCNN(pixelScale: 1 / 255)
    let memoryModel = mnistCNN()
    let times = timedInterleaved(settings, [
        { folderModel.fit(loader, epochs: 1, verbose: 0) },
        { cnnEpochInMemory(memoryModel, x: memory.images, y: memory.labels) },
    ])
    let extra: [String: Any] = ["epoch_samples": samples, "workers": workers]
    report("cnn-folder", unit: "seconds/epoch", samples: times[0], extra: extra)
    report("cnn-memory", unit: "seconds/epoch", samples: times[1], extra: extra)
    report("folder-scan", unit: "seconds/scan", samples: [scan],
           extra: ["images": images.count, "verify_files": true])
}

/// W6's data side alone, for profiling: every batch of one shuffled epoch of the folder
/// made on the calling thread (read, decode, resize, tensor), no training. Result
/// `folder-batches` (seconds/epoch).
func folderBatches(_ settings: BenchSettings, folder: String) {
    let images: ImageFolder
    do {
        images = try ImageFolder(URL(fileURLWithPath: folder), size: (28, 28), colorMode: .grayscale, verifyFiles: false)
    } catch {
        return reportUnavailable("folder-batches", reason: "cannot read the folder \(folder): \(error)")
    }
    let loader = DataLoader(images, batchSize: 64, shuffle: true, seed: 1)
    let times = timed(settings) {
        for batch in loader { blackHole(batch) }
    }
    report("folder-batches", unit: "seconds/epoch", samples: times, extra: ["images": images.count])
}
