// Duration as seconds, for arithmetic with Dates and for jitter; one conversion for every module.
import Foundation

extension Duration {
    /// The duration in seconds, with sub-second precision.
    public var timeInterval: TimeInterval {
        let parts = components
        return TimeInterval(parts.seconds) + TimeInterval(parts.attoseconds) / 1e18
    }
}
