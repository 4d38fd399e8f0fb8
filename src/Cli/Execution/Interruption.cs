// Interrupting a running cell. .NET cannot stop a thread from outside, so before a cell is compiled every loop body in
// it gets a first statement that throws once the cell was interrupted (`while (true) {}` stops at its next turn), and
// the session stays usable. Code the cell calls into (a library's loop) is not rewritten: it stops when it returns.
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace DeepLearnKit.Cli.Execution;

/// <summary>The interrupt flag of the cell running in this process, and the rewrite that makes cell loops check it.</summary>
public static class Interruption
{
    private static int requested;

    /// <summary>The statement put at the top of every loop body of a cell.</summary>
    public const string CheckStatement = "global::DeepLearnKit.Cli.Execution.Interruption.Check();";

    /// <summary>True once the running cell was asked to stop.</summary>
    public static bool Requested => Volatile.Read(ref requested) != 0;

    /// <summary>Throws <see cref="OperationCanceledException"/> when the running cell was interrupted; what every rewritten loop calls.</summary>
    public static void Check()
    {
        if (Volatile.Read(ref requested) != 0) throw new OperationCanceledException("The cell was interrupted.");
    }

    /// <summary>Asks the running cell to stop at its next loop turn.</summary>
    internal static void Request() => Volatile.Write(ref requested, 1);

    /// <summary>Clears the flag before a cell starts.</summary>
    internal static void Reset() => Volatile.Write(ref requested, 0);

    /// <summary>
    /// <paramref name="code"/> (script C#) with <see cref="CheckStatement"/> first in every loop body, written on the
    /// body's own first line so compiler messages keep their line numbers. Code that does not parse is returned as it is
    /// (the compiler then reports it).
    /// </summary>
    public static string Instrument(string code)
    {
        var tree = CSharpSyntaxTree.ParseText(code, new CSharpParseOptions(kind: SourceCodeKind.Script));
        if (tree.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error)) return code;
        return new LoopRewriter().Visit(tree.GetRoot()).ToFullString();
    }

    private sealed class LoopRewriter : CSharpSyntaxRewriter
    {
        private static readonly StatementSyntax Check = SyntaxFactory.ParseStatement(CheckStatement + " ");

        public override SyntaxNode? VisitWhileStatement(WhileStatementSyntax node)
        {
            var visited = (WhileStatementSyntax)base.VisitWhileStatement(node)!;
            return visited.WithStatement(Guard(visited.Statement));
        }

        public override SyntaxNode? VisitDoStatement(DoStatementSyntax node)
        {
            var visited = (DoStatementSyntax)base.VisitDoStatement(node)!;
            return visited.WithStatement(Guard(visited.Statement));
        }

        public override SyntaxNode? VisitForStatement(ForStatementSyntax node)
        {
            var visited = (ForStatementSyntax)base.VisitForStatement(node)!;
            return visited.WithStatement(Guard(visited.Statement));
        }

        public override SyntaxNode? VisitForEachStatement(ForEachStatementSyntax node)
        {
            var visited = (ForEachStatementSyntax)base.VisitForEachStatement(node)!;
            return visited.WithStatement(Guard(visited.Statement));
        }

        public override SyntaxNode? VisitForEachVariableStatement(ForEachVariableStatementSyntax node)
        {
            var visited = (ForEachVariableStatementSyntax)base.VisitForEachVariableStatement(node)!;
            return visited.WithStatement(Guard(visited.Statement));
        }

        // `{ body }` becomes `{ Check(); body }`, a single statement `s;` becomes `{ Check(); s; }`, on the same lines.
        private static BlockSyntax Guard(StatementSyntax body) => body is BlockSyntax block
            ? block.WithStatements(block.Statements.Insert(0, Check))
            : SyntaxFactory.Block(Check, body.WithoutLeadingTrivia())
                .WithOpenBraceToken(SyntaxFactory.Token(SyntaxKind.OpenBraceToken).WithLeadingTrivia(body.GetLeadingTrivia()).WithTrailingTrivia(SyntaxFactory.Space))
                .WithCloseBraceToken(SyntaxFactory.Token(SyntaxKind.CloseBraceToken).WithLeadingTrivia(SyntaxFactory.Space));
    }
}
