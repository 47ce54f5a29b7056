"""`newsdesk models list|install|remove|verify`: the translation models of this installation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from newsdesk.translation import modelstore
from newsdesk.translation.modelstore import ModelError
from newsdesk.translation.signals import model_installed


class Command(BaseCommand):
    help = "List, install, remove and verify translation models (CTranslate2)."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        commands.add_parser("list", help="installed models")
        install = commands.add_parser(
            "install",
            help="download a pair's OPUS-MT release (e.g. de-en) or install from a file",
        )
        install.add_argument("pair", nargs="?", help="language pair, e.g. de-en")
        install.add_argument(
            "--from",
            dest="from_path",
            metavar="PATH",
            help="install offline from a zip, .argosmodel or directory",
        )
        install.add_argument("--url", help="download this release instead of the listed one")
        install.add_argument("--sha256", default="", help="expected SHA-256 of the archive")
        install.add_argument("--name", default="", help="model name to record")
        install.add_argument("--model-version", default="", help="model version to record")
        install.add_argument("--force", action="store_true", help="replace an installed model")
        remove = commands.add_parser("remove", help="remove an installed pair")
        remove.add_argument("pair")
        verify = commands.add_parser("verify", help="check installed files against their checksums")
        verify.add_argument("pairs", nargs="*", help="pairs to check (default: all)")

    def handle(self, *args: Any, **options: Any) -> None:
        model_dir = Path(settings.NEWSDESK_MODEL_DIR)
        try:
            getattr(self, f"_{options['action']}")(model_dir, options)
        except ModelError as exc:
            raise CommandError(str(exc)) from None

    def _list(self, model_dir: Path, options: dict[str, Any]) -> None:
        models = modelstore.installed_models(model_dir)
        if not models:
            self.stdout.write(
                f"No models installed in {model_dir}. "
                "Install one with: newsdesk models install de-en"
            )
            return
        self.stdout.write(
            f"{'pair':<8} {'name':<28} {'version':<20} {'size':>9}  writes (tokens of vocabulary)"
        )
        engine = getattr(settings, "NEWSDESK_TRANSLATION_ENGINE", {})
        restricting = engine.get("OPTIONS", {}).get("restrict_vocabulary", True)
        for model in models:
            size = f"{model.size() / 1e6:.1f} MB"
            if model.output_vocabulary:
                writes = "{:,} of {:,}".format(*model.output_vocabulary)
                if not restricting:
                    writes += " (not used: NEWSDESK_MT_RESTRICT_VOCABULARY=false)"
            elif (model.path / modelstore.VOCABULARY_MAP).exists():
                writes = "as its own vocabulary map says"
            else:
                writes = "all"
            self.stdout.write(
                f"{model.pair:<8} {model.name:<28} {model.version:<20} {size:>9}  {writes}"
            )

    def _install(self, model_dir: Path, options: dict[str, Any]) -> None:
        pair = options["pair"]
        replace = options["force"]
        if pair:
            modelstore.check_pair(pair)
            if (model_dir / pair).exists() and not replace:
                raise CommandError(f"{pair} is already installed; use --force to replace it")
        if options["from_path"]:
            self.stdout.write(f"Installing from {options['from_path']}…")
            model = modelstore.install_from_path(
                Path(options["from_path"]),
                model_dir,
                pair=pair,
                name=options["name"],
                version=options["model_version"],
                expected_sha256=options["sha256"],
                replace=replace,
                step=self._step,
            )
        elif pair:
            model = modelstore.install_pair(
                pair,
                model_dir,
                index_url=settings.NEWSDESK_MODEL_INDEX_URL,
                url=options["url"] or "",
                expected_sha256=options["sha256"],
                progress=self._progress_bar(),
                replace=replace,
                step=self._step,
            )
        else:
            raise CommandError("name a pair (e.g. de-en) or give --from PATH")
        self.stdout.write(
            self.style.SUCCESS(
                f"Installed {model.pair}: {model.label} in {model.path} "
                f"(archive SHA-256 {model.sha256 or 'n/a'})"
            )
        )
        if model.output_vocabulary:
            self.stdout.write(
                "Its output is restricted to the {:,} of its {:,} tokens that belong to the "
                "target language.".format(*model.output_vocabulary)
            )
        for _receiver, said in model_installed.send(sender=self.__class__, pair=model.pair):
            if isinstance(said, str) and said:
                self.stdout.write(said)

    def _step(self, what: str) -> None:
        self.stdout.write(f"… {what}", ending="\n")
        self.stdout.flush()

    def _progress_bar(self) -> modelstore.Progress:
        from tqdm import tqdm

        bar: dict[str, Any] = {}

        def progress(done: int, total: int | None) -> None:
            if "bar" not in bar:
                bar["bar"] = tqdm(
                    total=total,
                    unit="B",
                    unit_scale=True,
                    file=self.stderr,
                    desc="download",
                    mininterval=0.2,
                )
            bar["bar"].update(done - bar["bar"].n)
            if total is not None and done >= total:
                bar["bar"].close()

        return progress

    def _remove(self, model_dir: Path, options: dict[str, Any]) -> None:
        model = modelstore.remove(options["pair"], model_dir)
        self.stdout.write(self.style.SUCCESS(f"Removed {model.pair} ({model.label})."))

    def _verify(self, model_dir: Path, options: dict[str, Any]) -> None:
        models = {m.pair: m for m in modelstore.installed_models(model_dir)}
        pairs = options["pairs"] or sorted(models)
        if not pairs:
            raise CommandError("no models are installed")
        failed = []
        for pair in pairs:
            if pair not in models:
                failed.append(pair)
                self.stdout.write(f"{pair}: not installed")
                continue
            problems = modelstore.verify(models[pair])
            if problems:
                failed.append(pair)
                self.stdout.write(f"{pair}: " + "; ".join(problems))
            else:
                self.stdout.write(f"{pair}: ok ({models[pair].label})")
        if failed:
            raise CommandError(f"verification failed for {', '.join(failed)}")
