"""The help centre of Northwind Outfitters, the demo store: written for Ladder's demo."""

from __future__ import annotations

# (slug, category, title, body); paragraphs are separated by blank lines.
DEMO_ARTICLES: list[tuple[str, str, str, str]] = [
    (
        "shipping-times",
        "shipping",
        "How long does shipping take?",
        "Standard shipping takes 3 to 5 business days within the country. Orders placed before "
        "2 pm on a business day leave our warehouse the same day.\n\n"
        "Express shipping takes 1 to 2 business days. Deliveries do not run on weekends or "
        "public holidays.\n\n"
        "The expected delivery date is shown at checkout and in your shipping confirmation "
        "email, so you know when your parcel will arrive.",
    ),
    (
        "shipping-costs",
        "shipping",
        "Delivery options and shipping costs",
        "You can choose between three delivery options at checkout. Standard shipping costs "
        "$4.95 and is free on orders over $50 after discounts. Click and collect in one of our "
        "shops is always free.\n\n"
        "Express shipping costs $14.95 on any order. Bulky items such as tents and kayaks add a "
        "$10 handling fee, shown at checkout.",
    ),
    (
        "international-shipping",
        "shipping",
        "Do you ship internationally?",
        "We ship to 34 countries in Europe, North America and Oceania. International delivery "
        "takes 6 to 12 business days and costs from $19 depending on the destination.\n\n"
        "Import duties and taxes are charged by the destination country and paid on delivery; "
        "we cannot estimate them in advance.",
    ),
    (
        "tracking-an-order",
        "shipping",
        "How do I track my order?",
        "As soon as your parcel leaves the warehouse we email you a tracking link. You can also "
        "find it under Orders in your account.\n\n"
        "Tracking can take up to 24 hours to show the first scan after the label is created.",
    ),
    (
        "delayed-parcel",
        "shipping",
        "My parcel is late",
        "If your parcel has not arrived 3 business days after its expected delivery date, check "
        "the tracking link first: carriers sometimes leave parcels at a pickup point.\n\n"
        "If tracking has not moved for 5 business days, contact us and we will open an "
        "investigation with the carrier and send a replacement or a refund.",
    ),
    (
        "change-shipping-address",
        "shipping",
        "Changing the shipping address",
        "You can change the shipping address within 1 hour of ordering from the order page. "
        "After that the parcel is being packed and the address can no longer be changed.\n\n"
        "Once shipped, you can ask the carrier to redirect the parcel from the tracking page.",
    ),
    (
        "return-policy",
        "returns",
        "Our return policy",
        "You can return any unworn, unwashed item within 30 days of delivery for a full refund. "
        "Items must have their tags attached.\n\n"
        "Sale items can be returned within 14 days. Underwear, socks and personalised items "
        "cannot be returned for hygiene reasons.",
    ),
    (
        "how-to-return",
        "returns",
        "How to return an item",
        "Start a return from the Orders page in your account and choose the items. We email you "
        "a prepaid return label; print it and drop the parcel at any post office.\n\n"
        "Returns within the country are free. International returns cost $9.95, deducted from "
        "your refund.",
    ),
    (
        "refund-timing",
        "returns",
        "When will I get my refund?",
        "Refunds are issued within 3 business days after your return reaches our warehouse. "
        "Your bank may take another 5 to 10 business days to show the money.\n\n"
        "The refund goes back to the original payment method. Gift card payments are refunded "
        "as store credit.\n\n"
        "You can follow the status of a refund on the Orders page: the return shows Received, "
        "then Refunded with the date the money was sent.",
    ),
    (
        "exchanges",
        "returns",
        "Exchanging for another size or colour",
        "To exchange an item, start a return and choose Exchange. We ship the new size or colour "
        "as soon as the return label is scanned, at no extra cost.\n\n"
        "If the item you want is out of stock, we refund you instead.",
    ),
    (
        "damaged-item",
        "returns",
        "I received a damaged or wrong item",
        "We are sorry! If your parcel arrived damaged, or an item is faulty or not what you "
        "ordered, send us a photo of the item and its label within 14 days of delivery. We "
        "send a replacement free of charge or refund you in full.\n\n"
        "You do not need to return a damaged item unless we ask for it.",
    ),
    (
        "payment-methods",
        "payments",
        "Which payment methods do you accept?",
        "We accept Visa, Mastercard, American Express, PayPal, Apple Pay, Google Pay and "
        "Northwind gift cards.\n\n"
        "You can also pay in 3 interest-free instalments with Klarna on orders over $60.",
    ),
    (
        "payment-declined",
        "payments",
        "My payment was declined",
        "A declined payment usually means the card's bank refused it: check the card number, "
        "expiry date and billing address, or ask your bank.\n\n"
        "Your basket is kept for 7 days, so you can try again with another payment method.",
    ),
    (
        "invoices",
        "payments",
        "Getting an invoice",
        "An invoice with VAT is attached to your shipping confirmation email. You can download "
        "it again from the order page in your account.\n\n"
        "For a company invoice, add your company name and VAT number at checkout.",
    ),
    (
        "currencies",
        "payments",
        "Currencies and prices",
        "Prices are shown in US dollars. International cards are charged in dollars and your "
        "bank converts the amount.\n\n"
        "All prices include sales tax where it applies.",
    ),
    (
        "gift-cards",
        "payments",
        "Gift cards",
        "Gift cards come in amounts from $25 to $500 and are valid for 2 years. They are sent by "
        "email within minutes.\n\n"
        "You can check a gift card's balance at checkout. Gift cards cannot be exchanged for "
        "cash.",
    ),
    (
        "promo-codes",
        "payments",
        "Promo codes and discounts",
        "Enter a promo code in the basket before checkout. Only one code can be used per order "
        "and codes cannot be applied to gift cards.\n\n"
        "Members get 10% off their first order when they subscribe to our newsletter.",
    ),
    (
        "create-account",
        "accounts",
        "Creating an account",
        "To register, choose Create account on the Sign in page and enter your email address "
        "and a password of at least 10 characters.\n\n"
        "With an account you can track orders, start returns and save addresses. You can also "
        "check out as a guest.",
    ),
    (
        "reset-password",
        "accounts",
        "I forgot my password",
        "To recover your account, click Forgot password on the Sign in page and enter your "
        "email. We send a reset link "
        "that is valid for 1 hour.\n\n"
        "If the email does not arrive within 10 minutes, check your spam folder.",
    ),
    (
        "change-email",
        "accounts",
        "Changing your email address",
        "Go to Account settings, choose Email and enter the new address. We send a confirmation "
        "link to the new address; the change takes effect once you click it.\n\n"
        "The link is valid for 24 hours. Until you click it, we keep writing to the old "
        "address.",
    ),
    (
        "newsletter",
        "accounts",
        "Newsletter subscription",
        "To cancel your newsletter subscription, use the Unsubscribe link at the bottom of any "
        "newsletter, or switch it off in Account settings under Communication preferences.\n\n"
        "To subscribe, enter your email address at the bottom of any page of our shop. Emails "
        "about your orders are always sent.",
    ),
    (
        "privacy-data",
        "accounts",
        "Deleting your account and personal data",
        "We keep your data only to run your orders and account. You can download a copy of your "
        "data from Account settings under Privacy.\n\n"
        "To have your account and data deleted, ask our team through the chat: a person handles "
        "every deletion request within 30 days.",
    ),
    (
        "order-status",
        "orders",
        "Checking the status of an order",
        "The Orders page in your account shows each order's status: Received, Packing, Shipped "
        "or Delivered.\n\n"
        "Guest orders can be checked with the order number and email from your confirmation.",
    ),
    (
        "cancel-order",
        "orders",
        "Cancelling an order",
        "You can cancel an order within 1 hour of placing it from the order page, and you are "
        "refunded in full straight away.\n\n"
        "After that the order is being packed: wait for it to arrive and return it for free.",
    ),
    (
        "change-order",
        "orders",
        "Changing an order",
        "Items cannot be added to an order that has been placed. Within 1 hour you can cancel it "
        "and order again.\n\n"
        "To change a size after delivery, use an exchange.",
    ),
    (
        "missing-item",
        "orders",
        "An item is missing from my parcel",
        "Large orders sometimes ship in several parcels: your shipping email lists what is in "
        "each one.\n\n"
        "If an item is missing after every parcel has arrived, tell us within 14 days and we "
        "will send it or refund it.",
    ),
    (
        "order-confirmation",
        "orders",
        "I did not get an order confirmation",
        "Confirmation emails arrive within 15 minutes. Check your spam folder and the email "
        "address in your account.\n\n"
        "If your card was charged but there is no order, do not order again: contact us with "
        "the date and amount.",
    ),
    (
        "size-guide",
        "products",
        "Finding your size",
        "Every product page has a size guide with body measurements in centimetres and inches. "
        "Our jackets fit true to size; base layers fit close to the body.\n\n"
        "Between two sizes, choose the larger one for jackets and the smaller one for base "
        "layers.\n\n"
        "Boots and trail shoes use EU sizes; the size guide converts them to US and UK sizes. "
        "Hiking boots run half a size small, so order half a size up.",
    ),
    (
        "product-care",
        "products",
        "Caring for waterproof jackets",
        "Wash waterproof jackets at 30 degrees with a technical wash, no fabric softener. Tumble "
        "dry on low for 20 minutes to restore the water repellency.\n\n"
        "Reproof the jacket once a season with a spray-on treatment.",
    ),
    (
        "warranty",
        "products",
        "Warranty",
        "All Northwind products have a 2-year warranty against manufacturing defects; tents and "
        "backpacks have 5 years.\n\n"
        "The warranty does not cover normal wear, accidents or misuse. Send us a photo and your "
        "order number to make a claim.",
    ),
    (
        "repairs",
        "products",
        "Repairs",
        "We repair zips, seams and buckles on Northwind gear for a flat $15, free under "
        "warranty. Repairs take about 3 weeks.\n\n"
        "Start a repair from the order page, or through the chat if you bought in a shop.",
    ),
    (
        "stock-alerts",
        "products",
        "Out of stock items",
        "Click Notify me on a sold-out product page and we email you when your size is back. "
        "Most items are restocked within 4 to 6 weeks.\n\n"
        "We cannot reserve items that are out of stock.",
    ),
    (
        "sustainability",
        "products",
        "Materials and sustainability",
        "72% of our range uses recycled or organic materials. Our waterproof membranes are free "
        "of PFAS since 2025.\n\n"
        "Each product page lists its materials and the factory that made it.",
    ),
    (
        "stores",
        "products",
        "Shops and opening hours",
        "Our shops in Portland, Denver and Burlington are open Monday to Saturday, 10 am to "
        "7 pm, and Sunday 11 am to 5 pm.\n\n"
        "Online orders can be returned in any shop.",
    ),
    (
        "click-and-collect",
        "shipping",
        "Collecting an order from a shop",
        "Choose Click and collect at checkout to pick up your order free of charge in our "
        "Portland, Denver or Burlington shop. Orders are ready in 2 hours when the item is in "
        "stock in that shop, otherwise in 3 to 4 business days.\n\n"
        "We email you when the order is ready; bring the email or the order number. We keep "
        "the order for 10 days.",
    ),
    (
        "price-drop",
        "payments",
        "The price dropped after I ordered",
        "If the price of an item falls within 14 days of your order, we refund the difference "
        "once. Send us the order number through the chat.\n\n"
        "Price adjustments do not apply to clearance items or to discounts from promo codes.",
    ),
    (
        "customer-service-hours",
        "accounts",
        "Customer service opening hours",
        "Our team answers in the chat Monday to Friday, 8 am to 8 pm, and Saturday 9 am to "
        "5 pm (Eastern time). Outside those hours the assistant answers and a person follows up "
        "by email.\n\n"
        "You can ask for a person at any time by pressing Talk to a person.",
    ),
]
