"""Every setting of the sample generator, in one place.

The figures were calibrated against the real UCI "Online Retail" copy described in
/work/shared/data/README.md (section "Profile"): 541,909 lines, 4,372 customers,
2010-12-01 .. 2011-12-09. Counts below are for scale 1; the generator multiplies
customer and invoice counts by ``scale``.

Calibration at scale 1, seed 42 (real data in brackets), with the seed project's cleaning
and features and its model (default LogisticRegression on 5 unscaled features, 70/30 split):
4,046 stock codes sold (4,070), top code 0.43 % of lines (0.43 %), top 100 19.8 % (18.8 %);
churn share 24.2 % (23.4 %), threshold 156 days (155), held-out ROC-AUC 0.78 (0.80),
baseline recall of churners 0.45 (0.24), after SMOTE 0.85 (0.80). The baseline recall is
sensitive to the draw: over seeds 1, 2, 5, 6 it is 0.26-0.32.

Forward churn (`python -m pipeline.sample.forward_check`): the share of active customers with
no purchase in the next 90 days is 0.47, 0.50, 0.51, 0.52, 0.51, 0.48, 0.43 on the 1st of
March..September 2011 (0.43, 0.46, 0.46, 0.51, 0.51, 0.48, 0.44); out of time at 2011-09-01
recency alone ranks it with ROC-AUC 0.70 (0.68), a logistic regression on eight RFM-style
features 0.74 (0.74), top-decile lift 1.66 (1.59).
"""

from __future__ import annotations

import datetime as dt

# --- time span -------------------------------------------------------------------
START = dt.date(2010, 12, 1)
END = dt.date(2011, 12, 9)  # inclusive, like the real data
# The shop was shut over Christmas and on UK bank holidays (no real lines on these days).
CLOSED_DAYS = (
    [dt.date(2010, 12, 24) + dt.timedelta(days=i) for i in range(11)]
    + [dt.date(2011, m, d) for m, d in ((4, 22), (4, 25), (4, 29), (5, 2), (5, 30), (8, 29))]
)
# Relative daily trading intensity by weekday (Mon..Sun); no Saturday trading.
WEEKDAY_WEIGHT = (0.95, 1.0, 0.95, 1.05, 0.85, 0.0, 0.65)
# Relative purchase intensity by month (Dec 2010 .. Dec 2011), tuned so that the share of
# lines per month follows the real profile (5-7 % Jan-Aug, 9 % Sep, 11 % Oct, 15.6 % Nov).
MONTH_WEIGHT = (1.35, 0.85, 0.75, 0.9, 0.8, 0.85, 0.85, 0.9, 0.85, 1.2, 1.35, 1.75, 1.55)
# Lines by hour of day 6..20 in the real data (office hours, peak at noon).
HOUR_WEIGHT = (0, 383, 8909, 34332, 49037, 57674, 78709, 72259, 67471, 77519, 54516,
               28509, 7974, 3705, 871)
FIRST_HOUR = 6

# --- customers -----------------------------------------------------------------------
N_CUSTOMERS = 4372
# New customers by month of first purchase (Dec 2010 holds the backlog of older customers).
NEW_CUSTOMERS_BY_MONTH = (948, 421, 380, 440, 299, 279, 235, 191, 167, 298, 352, 321, 41)
FIRST_CUSTOMER_ID = 12346
# Purchase rate in invoices per (intensity-weighted) day ~ Gamma(shape, scale): a few
# wholesalers buy weekly, most customers a few times a year (Pareto/NBD style). Shape 1 rather
# than a heavier tail of very slow buyers: with those, a long silence almost always meant "gone"
# and recency alone forecast the next 90 days better than on the real data (ROC-AUC 0.72 vs 0.68).
RATE_SHAPE = 1.0
RATE_SCALE = 0.01485
# Shape of the gamma distribution of gaps between one customer's purchases (1 = Poisson).
# Close to Poisson: real reorders are irregular enough that a customer quiet for twice their
# usual gap still often comes back (with 3.0 the sample's recency was too telling, see above).
GAP_SHAPE = 1.2
# Share of gaps that are a seasonal pause, and how much longer these are.
PAUSE_RATE = 0.12
PAUSE_FACTOR = 5.0
# After every purchase a customer stops for good with probability p ~ Beta(a, b)
# (BG/NBD style), so some stop early and many keep buying to the end; engagement (below)
# scales p, b is set so that about 24 % of customers end up churned (real 23.4 %).
DROPOUT_A = 0.6
DROPOUT_B = 30.0
# Customer engagement ~ N(0, 1) scales dropout by exp(-ENGAGEMENT_DROPOUT * e), the log-mean
# of lines per invoice by + ENGAGEMENT_LINES * e and the pack size by ENGAGEMENT_QUANTITY_STEPS
# * e steps (real: at the same order count churners spend ~25 % less per order and buy
# ~25 % fewer distinct products than active customers). The dropout link is what lets baskets
# forecast churn beyond recency (real: +0.06 ROC-AUC for eight RFM features over recency alone).
ENGAGEMENT_DROPOUT = 1.5
ENGAGEMENT_LINES = 0.35
ENGAGEMENT_QUANTITY_STEPS = 0.5
# Established (backlog) customers buy more often and stop less (real Dec 2010 cohort:
# 13 % buy once, 9.4 invoices on average; later cohorts 18-40 % once, 2-5 invoices).
BACKLOG_RATE_FACTOR = 1.0
BACKLOG_DROPOUT_FACTOR = 0.25
BACKLOG_LIFETIME_FACTOR = 2.0
MEAN_LIFETIME_DAYS = 6000.0
# Lines per customer invoice: lognormal with a customer-level and an invoice-level spread
# (real: median 15, mean 21.5).
LINES_LOG_MEAN = 2.75
LINES_CUSTOMER_SIGMA = 0.5
LINES_INVOICE_SIGMA = 0.65
MAX_LINES = 600
# Share of a customer's product lines drawn from their own repertoire (repeat buying; real
# median distinct products: 18 for one order, 85 for 5-9 orders, 137 for 10 or more).
REPERTOIRE_SHARE = 0.6
REPERTOIRE_SIZE = 60
# Customers by country (real distinct customers per country; UK is ~90 %).
COUNTRY_CUSTOMERS = {
    "United Kingdom": 3950, "Germany": 95, "France": 87, "Spain": 31, "Belgium": 25,
    "Switzerland": 21, "Portugal": 19, "Italy": 15, "Finland": 12, "Austria": 11,
    "Norway": 10, "Netherlands": 9, "Australia": 9, "Channel Islands": 9, "Denmark": 9,
    "Cyprus": 8, "Sweden": 8, "Japan": 8, "Poland": 6, "Unspecified": 4, "Israel": 4,
    "USA": 4, "Canada": 4, "Greece": 4, "EIRE": 3, "Malta": 2, "United Arab Emirates": 2,
    "Bahrain": 2, "Singapore": 1, "Iceland": 1, "European Community": 1, "RSA": 1,
    "Lebanon": 1, "Lithuania": 1, "Brazil": 1, "Czech Republic": 1, "Saudi Arabia": 1,
}
# Countries only seen on guest invoices in the real data.
GUEST_ONLY_COUNTRIES = ("Hong Kong",)
GUEST_UK_SHARE = 0.96

# --- guest (no CustomerID) invoices ----------------------------------------------------
# Real: 24.9 % of lines have no customer; the big guest invoices are web-shop orders.
N_GUEST_INVOICES = 1350
GUEST_LINES_LOG_MEAN = 4.25
GUEST_LINES_SIGMA = 0.8
# Single-line stock adjustments with zero price (real: 2,515 zero-price lines, half with
# negative quantity, many without a description).
N_STOCK_ADJUSTMENTS = 2450
ADJUSTMENT_NULL_DESCRIPTION = 0.6
ADJUSTMENT_NEGATIVE = 0.55
# Zero-price lines inside ordinary invoices (free samples, gifts).
FREE_LINE_RATE = 0.0001

# --- catalogue -------------------------------------------------------------------------
# Products in the catalogue; at scale 1 about 4,050 of them sell (real: 4,070 stock codes),
# the rarest few not at all, as in any one year of a shop with a long tail.
N_PRODUCTS = 4150
# Popularity by rank r: (r + ZIPF_OFFSET) ** -ZIPF_EXPONENT * exp(-(r / TAIL_RANK) ** TAIL_SHAPE),
# a Zipf head with a tail that thins out faster, fitted to the real codes' lines by rank
# (real: top code 0.43 % of lines, top 100 18.8 %; rank 1,000 ~170 lines, rank 2,000 ~64,
# rank 3,000 ~15, rank 3,500 ~5, ~230 codes sold once).
ZIPF_EXPONENT = 0.54
ZIPF_OFFSET = 10.0
TAIL_RANK = 2260.0
TAIL_SHAPE = 2.5
# Base unit price ~ lognormal (real price > 0: median 2.08, p10 0.65, p90 7.95, p99 18).
PRICE_LOG_MEDIAN = 1.97
PRICE_LOG_SIGMA = 0.95
# Web-shop (guest) prices are marked up, bulk quantities get a lower price tier.
GUEST_PRICE_MARKUP = 1.55
BULK_QUANTITY = 24
BULK_PRICE_FACTOR = 0.85
# Pack-size steps per unit of log price (cheap items come in bigger packs), capped.
QUANTITY_PRICE_STEPS = 1.5
QUANTITY_PRICE_MAX_STEPS = 4.0
# Customers' pack-size level in steps: mean, slope on their (standardised) log purchase
# rate, spread. Web-shop guests buy single items (real guest lines: median quantity 1).
CUSTOMER_QUANTITY_STEPS = 0.3
QUANTITY_RATE_STEPS = 0.25
CUSTOMER_QUANTITY_SIGMA = 0.5
GUEST_QUANTITY_STEPS = -2.0
# Quantity per line: pack sizes and weights (real: median 3, p90 24, p99 100).
QUANTITY_VALUES = (1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 24, 25, 36, 48, 72, 96, 100, 144,
                   200, 288, 480)
QUANTITY_WEIGHTS = (148, 82, 37, 38, 12, 41, 13, 22, 61, 4.3, 5, 24, 5.1, 3.8, 6.1, 1.9,
                    1.8, 1.8, 1.0, 0.5, 0.4, 0.2)
# Rare bulk lines in the tens of thousands.
BULK_LINE_RATE = 0.00004
BULK_LINE_MAX = 80000

# --- quirks ----------------------------------------------------------------------------
# Cancellations: real 1.71 % of lines, 3,836 invoices, median 1 line each.
CANCEL_INVOICE_RATE = 0.24  # share of customer invoices that get a later cancellation
CANCEL_LINES_P = 0.42  # geometric p for the number of cancelled lines
CANCEL_PARTIAL_SHARE = 0.15
CANCEL_DELAY_DAYS = 6.0
# Exact duplicate rows (real 5,268 = 0.97 %), on top of chance duplicates.
DUPLICATE_RATE = 0.003
# Non-product lines per scale-1 data set (real counts: POST 1256, DOT 710, M 571, C2 144,
# D 77, S 63, BANK CHARGES 37, AMAZONFEE 34, CRUK 16).
NON_PRODUCT = {
    # code: (description, lines at scale 1, median price, where)
    "POST": ("POSTAGE", 1256, 18.0, "foreign"),
    "DOT": ("DOTCOM POSTAGE", 710, 185.0, "guest"),
    "M": ("Manual", 571, 7.95, "mixed"),
    "C2": ("CARRIAGE", 144, 50.0, "customer"),
    "D": ("Discount", 77, 23.0, "cancel"),
    "S": ("SAMPLES", 63, 19.5, "guest_cancel"),
    "BANK CHARGES": ("Bank Charges", 37, 15.0, "guest_cancel"),
    "AMAZONFEE": ("AMAZON FEE", 34, 5900.0, "guest_cancel"),
    "CRUK": ("CRUK Commission", 16, 470.0, "cancel"),
}
# "Adjust bad debt" adjustment invoices (A prefix, StockCode B): one positive and two
# negative price lines in the real data.
BAD_DEBT_AMOUNT = 11062.06
BAD_DEBT_PRICES = (1.0, -1.0, -1.0)

# --- numbering and output ----------------------------------------------------------------
FIRST_INVOICE_NO = 536365
ROW_GROUP_INVOICES = 40000  # invoices per generated chunk / parquet row group
