"""The product catalogue: stock codes, descriptions, base prices and popularity.

Popularity is Zipf-like so a few best sellers carry a large share of lines and a long
tail of products sells rarely, as in the real data.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipeline.sample import profile

_MOTIFS = (
    "RED RETROSPOT", "REGENCY", "VINTAGE", "PARTY BUNTING", "HEART OF WICKER", "JUMBO",
    "ROSES", "SPACEBOY", "DOLLY GIRL", "WOODLAND", "POLKADOT", "PAISLEY", "GINGHAM",
    "ENGLISH ROSE", "SKULLS", "STRAWBERRY", "BIRD", "CHRISTMAS", "SWALLOWS", "CHERRY",
    "SCANDINAVIAN", "ZINC", "GLASS", "WOODEN", "ANTIQUE", "FELTCRAFT", "PANTRY", "ALPHABET",
    "LOVE", "BUTTERFLY", "DAISY", "ORIGAMI", "GARDEN", "FAIRY", "BAROQUE", "TEA TIME",
)
_COLOURS = (
    "", "PINK", "BLUE", "GREEN", "IVORY", "WHITE", "RED", "BLACK", "SILVER", "GOLD",
    "PURPLE", "CREAM",
)
_ITEMS = (
    "LUGGAGE TAG", "MUG", "T-LIGHT HOLDER", "LUNCH BAG", "CAKE CASES", "JAM JAR",
    "DOORMAT", "CUSHION COVER", "LANTERN", "PHOTO FRAME", "WALL CLOCK", "TEA TOWEL",
    "NAPKINS", "PAPER CHAIN KIT", "BUNTING", "TIN", "SHOPPER BAG", "PURSE", "NOTEBOOK",
    "MEMO BOARD", "HANGING DECORATION", "BIRD ORNAMENT", "CANDLE", "VASE", "TRINKET BOX",
    "COAT RACK", "HOT WATER BOTTLE", "STORAGE JAR", "CAKE STAND", "PLATE", "BOWL",
    "CHOPSTICKS", "PLAYING CARDS", "SKIPPING ROPE", "COASTER", "PEG BAG", "APRON",
    "BAKING SET", "SPOON", "SIGN", "KEY RING", "HAIR CLIP", "BRACELET", "NECKLACE",
    "WRAP", "GIFT BAG", "STICKER SHEET", "PENCILS", "CHALKBOARD", "STOOL",
)
_SETS = ("", "", "", "SET OF 3 ", "SET/6 ", "PACK OF 12 ", "SET OF 4 ", "SMALL ", "LARGE ")
# Notes written by staff on stock adjustment lines instead of a product name.
ADJUSTMENT_NOTES = ("check", "damaged", "found", "?", "adjustment", "lost", "wet damaged")


@dataclass(frozen=True)
class Catalogue:
    """Products (by index) with their code, description, base price and popularity."""

    stock_code: list[str]
    description: list[str]
    base_price: np.ndarray
    quantity_shift: np.ndarray  # pack-size steps (fractional): cheap items in bigger packs
    cdf: np.ndarray  # cumulative popularity, for inverse-CDF sampling

    def __len__(self) -> int:
        return len(self.stock_code)

    def pick(self, u: np.ndarray) -> np.ndarray:
        """Products for uniforms u in [0, 1), by popularity."""
        return np.minimum(np.searchsorted(self.cdf, u, side="right"), len(self) - 1)


def _stock_codes(rng: np.random.Generator, n: int) -> list[str]:
    """Mostly 2xxxx numbers, as in the real data; colour variants add a letter (85123A)."""
    pool = np.arange(10000, 91000)
    weight = np.where((pool >= 20600) & (pool < 23900), 25.0, 1.0)
    numbers = rng.choice(pool, size=n, replace=False, p=weight / weight.sum())
    is_variant = rng.random(n) < 0.15
    codes: list[str] = []
    letter = 0
    for i in range(n):
        if is_variant[i] and i > 0:
            letter += 1
            codes.append(f"{numbers[i - letter]}{'ABCDEFGHJK'[letter % 10]}")
        else:
            letter = 0
            codes.append(str(numbers[i]))
    return codes


def _descriptions(rng: np.random.Generator, n: int) -> list[str]:
    n_combos = len(_SETS) * len(_MOTIFS) * len(_COLOURS) * len(_ITEMS)
    combos = rng.choice(n_combos, size=n, replace=False)
    s, rest = np.divmod(combos, len(_MOTIFS) * len(_COLOURS) * len(_ITEMS))
    m, rest = np.divmod(rest, len(_COLOURS) * len(_ITEMS))
    c, i = np.divmod(rest, len(_ITEMS))
    out = []
    for si, mi, ci, ii in zip(s, m, c, i, strict=True):
        colour = f"{_COLOURS[ci]} " if _COLOURS[ci] else ""
        out.append(f"{_SETS[si]}{_MOTIFS[mi]} {colour}{_ITEMS[ii]}")
    return out


def _nice_prices(raw: np.ndarray) -> np.ndarray:
    """Shop prices: pence below a pound, then .x5 steps (0.42, 1.25, 2.95, 7.95)."""
    cheap = np.round(raw, 2)
    dear = np.round(raw * 20) / 20
    dear = np.where(np.isclose(dear % 1, 0), dear - 0.05, dear)
    return np.maximum(np.where(raw < 1, cheap, dear), 0.01).round(2)


def build_catalogue(rng: np.random.Generator, n: int = profile.N_PRODUCTS) -> Catalogue:
    raw = np.exp(rng.normal(np.log(profile.PRICE_LOG_MEDIAN), profile.PRICE_LOG_SIGMA, n))
    price = _nice_prices(raw)
    # Cheap items come in bigger packs, dear ones singly: quantity falls with price (real
    # customer lines: corr(log quantity, log price) -0.4), in pack-size steps.
    shift = np.clip(-profile.QUANTITY_PRICE_STEPS * np.log(price / profile.PRICE_LOG_MEDIAN),
                    -profile.QUANTITY_PRICE_MAX_STEPS, profile.QUANTITY_PRICE_MAX_STEPS)
    rank = rng.permutation(n)
    r = rank + 1.0
    popularity = (r + profile.ZIPF_OFFSET) ** -profile.ZIPF_EXPONENT * np.exp(
        -((r / profile.TAIL_RANK) ** profile.TAIL_SHAPE))
    cdf = np.cumsum(popularity / popularity.sum())
    return Catalogue(
        stock_code=_stock_codes(rng, n),
        description=_descriptions(rng, n),
        base_price=price,
        quantity_shift=shift,
        cdf=cdf,
    )


def hash_uniform(a: np.ndarray, b: np.ndarray, seed: int) -> np.ndarray:
    """Deterministic uniforms in [0, 1) from integer pairs (splitmix64).

    Lets a customer's repertoire (favourite products) be recomputed in any chunk without
    keeping every customer's history in memory.
    """
    x = (a.astype(np.uint64) << np.uint64(20)) ^ b.astype(np.uint64)
    x = x + np.uint64((seed * 0x9E3779B97F4A7C15) % (1 << 64))
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    x = x ^ (x >> np.uint64(31))
    return (x >> np.uint64(11)).astype(np.float64) / float(1 << 53)
