// ResourceStorage: the objects of one storage key plus the bounded change history that watch
// resumption reads; `floor` is the oldest resourceVersion a watch may still resume from.
import RegcredCore

struct ResourceStorage: Sendable {
    var objects: [ObjectKey: JSONValue] = [:]
    var history: [WatchRecord] = []
    var historyStart = 0
    var floor: Int

    init(floor: Int) {
        self.floor = floor
    }

    mutating func record(_ record: WatchRecord, window: Int) {
        history.append(record)
        while history.count - historyStart > max(window, 0) {
            floor = history[historyStart].resourceVersion
            historyStart += 1
        }
        // Compact now and then instead of shifting the array on every event.
        if historyStart > 1024 && historyStart * 2 > history.count {
            history.removeFirst(historyStart)
            historyStart = 0
        }
    }

    var retained: ArraySlice<WatchRecord> { history[historyStart...] }
}
