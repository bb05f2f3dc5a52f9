import Foundation
import TickerAPI
import TickerStore

extension APIService {
    func listTokens(_ input: Operations.ListTokens.Input) async throws -> Operations.ListTokens.Output {
        .ok(.init(body: .json(.init(tokens: try await tokens.tokens().map(Components.Schemas.Token.init)))))
    }

    func createToken(_ input: Operations.CreateToken.Input) async throws -> Operations.CreateToken.Output {
        guard case .json(let body) = input.body else { throw Problem(kind: .unsupportedMediaType) }
        let name = body.name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...100).contains(name.count) else { throw Problem.invalid("name", "must be 1 to 100 characters") }
        guard let role = Role(rawValue: body.role.rawValue) else { throw Problem.invalid("role", "is not a role") }
        let (token, secret) = try await TokenIssuer(store: tokens).issue(name: name, role: role, now: now())
        return .created(.init(body: .json(.init(token: .init(token), secret: secret.text))))
    }

    func revokeToken(_ input: Operations.RevokeToken.Input) async throws -> Operations.RevokeToken.Output {
        guard try await tokens.revokeToken(input.path.tokenId, now: now()) else {
            throw Problem.notFound("no token with id \(input.path.tokenId)")
        }
        authenticator.forget(input.path.tokenId)
        return .noContent(.init())
    }
}
