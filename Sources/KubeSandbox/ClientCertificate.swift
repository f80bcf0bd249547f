// ClientCertificate: reads the subject common name out of a peer certificate's DER, which is
// all Kubernetes' x509 authenticator uses as the user name (organisations become groups).
import NIOCore
import NIOSSL

enum ClientCertificate {
    /// The CN of the TLS peer on `channel`, nil without TLS or without a client certificate.
    static func commonName(on channel: any Channel) async -> String? {
        let der: [UInt8]?? = try? await channel.eventLoop.submit {
            try channel.pipeline.syncOperations.handler(type: NIOSSLServerHandler.self).peerCertificate?.toDERBytes()
        }.get()
        return (der ?? nil).flatMap(subjectCommonName)
    }

    /// Walks Certificate → TBSCertificate → subject, and returns its commonName (OID 2.5.4.3).
    static func subjectCommonName(_ der: [UInt8]) -> String? {
        guard let certificate = element(der, at: 0), let tbs = element(der, at: certificate.contentStart) else { return nil }
        var offset = tbs.contentStart
        var fields: [(tag: UInt8, start: Int, end: Int)] = []
        while offset < tbs.end, let field = element(der, at: offset) {
            fields.append((der[offset], field.contentStart, field.end))
            offset = field.end
        }
        // [0] version is optional; the subject is the fifth field after it.
        let base = fields.first?.tag == 0xA0 ? 1 : 0
        guard fields.count > base + 4 else { return nil }
        let subject = fields[base + 4]
        let oid: [UInt8] = [0x06, 0x03, 0x55, 0x04, 0x03]
        var index = subject.start
        while index + oid.count < subject.end {
            if Array(der[index..<index + oid.count]) == oid {
                let valueStart = index + oid.count
                guard let value = element(der, at: valueStart) else { return nil }
                return String(decoding: der[value.contentStart..<value.end], as: UTF8.self)
            }
            index += 1
        }
        return nil
    }

    /// Tag-length-value header at `offset`: where the content starts and the element ends.
    private static func element(_ der: [UInt8], at offset: Int) -> (contentStart: Int, end: Int)? {
        guard offset + 2 <= der.count else { return nil }
        var length = Int(der[offset + 1])
        var start = offset + 2
        if length & 0x80 != 0 {
            let count = length & 0x7F
            guard count <= 4, start + count <= der.count else { return nil }
            length = der[start..<start + count].reduce(0) { $0 << 8 | Int($1) }
            start += count
        }
        guard start + length <= der.count else { return nil }
        return (start, start + length)
    }
}
