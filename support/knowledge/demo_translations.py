"""The demo help centre in Spanish, French, German and Portuguese: translations of
demo_articles.DEMO_ARTICLES written for Ladder's demo.

Each entry keeps the English article's paragraphs (separated by blank lines), facts and figures;
prices are written the local way ("4,95 $", "US$ 4,95") and times on the 24-hour clock.
The Portuguese is Brazilian Portuguese.
"""

from __future__ import annotations

# language code -> slug -> (title, body)
DEMO_TRANSLATIONS: dict[str, dict[str, tuple[str, str]]] = {
    "es": {
        "shipping-times": (
            "¿Cuánto tarda el envío?",
            "El envío estándar tarda de 3 a 5 días hábiles dentro del país. Los pedidos "
            "realizados antes de las 14:00 en un día hábil salen de nuestro almacén el mismo "
            "día.\n\n"
            "El envío exprés tarda de 1 a 2 días hábiles. No se realizan entregas los fines de "
            "semana ni los días festivos.\n\n"
            "La fecha de entrega prevista aparece al finalizar la compra y en el correo de "
            "confirmación de envío, para que sepas cuándo llegará tu paquete.",
        ),
        "shipping-costs": (
            "Opciones de entrega y gastos de envío",
            "Al finalizar la compra puedes elegir entre tres opciones de entrega. El envío "
            "estándar cuesta 4,95 $ y es gratuito en pedidos de más de 50 $ después de "
            "descuentos. La recogida en una de nuestras tiendas (Click and collect) es siempre "
            "gratuita.\n\n"
            "El envío exprés cuesta 14,95 $ en cualquier pedido. Los artículos voluminosos, como "
            "tiendas de campaña y kayaks, añaden un cargo de manipulación de 10 $, que se muestra "
            "al finalizar la compra.",
        ),
        "international-shipping": (
            "¿Realizan envíos internacionales?",
            "Enviamos a 34 países de Europa, Norteamérica y Oceanía. La entrega internacional "
            "tarda de 6 a 12 días hábiles y cuesta desde 19 $ según el destino.\n\n"
            "Los aranceles de importación y los impuestos los cobra el país de destino y se pagan "
            "en la entrega; no podemos calcularlos por adelantado.",
        ),
        "tracking-an-order": (
            "¿Cómo puedo seguir mi pedido?",
            "En cuanto tu paquete sale del almacén, te enviamos por correo electrónico un enlace "
            "de seguimiento. También lo encontrarás en Pedidos, en tu cuenta.\n\n"
            "El seguimiento puede tardar hasta 24 horas en mostrar el primer escaneo después de "
            "crear la etiqueta.",
        ),
        "delayed-parcel": (
            "Mi paquete se retrasa",
            "Si tu paquete no ha llegado 3 días hábiles después de la fecha de entrega prevista, "
            "revisa primero el enlace de seguimiento: a veces los transportistas dejan los "
            "paquetes en un punto de recogida.\n\n"
            "Si el seguimiento no se ha movido en 5 días hábiles, contáctanos: abriremos una "
            "investigación con el transportista y te enviaremos un reemplazo o te devolveremos el "
            "dinero.",
        ),
        "change-shipping-address": (
            "Cambiar la dirección de envío",
            "Puedes cambiar la dirección de envío desde la página del pedido durante la primera "
            "hora después de hacerlo. Pasado ese tiempo, el paquete se está preparando y la "
            "dirección ya no se puede cambiar.\n\n"
            "Una vez enviado, puedes pedir al transportista que redirija el paquete desde la "
            "página de seguimiento.",
        ),
        "return-policy": (
            "Nuestra política de devoluciones",
            "Puedes devolver cualquier artículo sin usar ni lavar en un plazo de 30 días desde la "
            "entrega y te reembolsamos el importe completo. Los artículos deben conservar sus "
            "etiquetas.\n\n"
            "Los artículos rebajados se pueden devolver en un plazo de 14 días. La ropa interior, "
            "los calcetines y los artículos personalizados no se pueden devolver por motivos de "
            "higiene.",
        ),
        "how-to-return": (
            "Cómo devolver un artículo",
            "Inicia una devolución desde la página Pedidos de tu cuenta y elige los artículos. Te "
            "enviamos por correo una etiqueta de devolución prepagada; imprímela y deja el "
            "paquete en cualquier oficina de correos.\n\n"
            "Las devoluciones dentro del país son gratuitas. Las devoluciones internacionales "
            "cuestan 9,95 $, que se descuentan de tu reembolso.",
        ),
        "refund-timing": (
            "¿Cuándo recibiré mi reembolso?",
            "Los reembolsos se emiten en un plazo de 3 días hábiles después de que tu devolución "
            "llegue a nuestro almacén. Tu banco puede tardar otros 5 a 10 días hábiles en mostrar "
            "el dinero.\n\n"
            "El reembolso se hace al método de pago original. Los pagos con tarjeta regalo se "
            "reembolsan como saldo para la tienda.\n\n"
            "Puedes seguir el estado de un reembolso en la página Pedidos: la devolución aparece "
            "como Recibida y después como Reembolsada, con la fecha en que se envió el dinero.",
        ),
        "exchanges": (
            "Cambiar por otra talla o color",
            "Para cambiar un artículo, inicia una devolución y elige Cambio. Enviamos la nueva "
            "talla o el nuevo color en cuanto se escanea la etiqueta de devolución, sin coste "
            "adicional.\n\n"
            "Si el artículo que quieres está agotado, te devolvemos el dinero.",
        ),
        "damaged-item": (
            "He recibido un artículo dañado o equivocado",
            "¡Lo sentimos! Si tu paquete llegó dañado, o un artículo es defectuoso o no es lo que "
            "pediste, envíanos una foto del artículo y de su etiqueta en un plazo de 14 días "
            "desde la entrega. Te enviamos un reemplazo sin coste o te reembolsamos el importe "
            "completo.\n\n"
            "No necesitas devolver un artículo dañado a menos que te lo pidamos.",
        ),
        "payment-methods": (
            "¿Qué métodos de pago aceptan?",
            "Aceptamos Visa, Mastercard, American Express, PayPal, Apple Pay, Google Pay y "
            "tarjetas regalo de Northwind.\n\n"
            "También puedes pagar en 3 plazos sin intereses con Klarna en pedidos de más de 60 $.",
        ),
        "payment-declined": (
            "Mi pago ha sido rechazado",
            "Un pago rechazado suele significar que el banco de la tarjeta lo denegó: comprueba "
            "el número de la tarjeta, la fecha de caducidad y la dirección de facturación, o "
            "consulta con tu banco.\n\n"
            "Tu cesta se guarda durante 7 días, así que puedes volver a intentarlo con otro "
            "método de pago.",
        ),
        "invoices": (
            "Obtener una factura",
            "La factura con IVA va adjunta al correo de confirmación de envío. Puedes volver a "
            "descargarla desde la página del pedido en tu cuenta.\n\n"
            "Para una factura a nombre de empresa, añade el nombre de tu empresa y tu número de "
            "IVA al finalizar la compra.",
        ),
        "currencies": (
            "Monedas y precios",
            "Los precios se muestran en dólares estadounidenses. A las tarjetas internacionales "
            "se les cobra en dólares y tu banco convierte el importe.\n\n"
            "Todos los precios incluyen los impuestos sobre las ventas cuando corresponden.",
        ),
        "gift-cards": (
            "Tarjetas regalo",
            "Las tarjetas regalo están disponibles en importes de 25 $ a 500 $ y son válidas "
            "durante 2 años. Se envían por correo electrónico en pocos minutos.\n\n"
            "Puedes consultar el saldo de una tarjeta regalo al finalizar la compra. Las tarjetas "
            "regalo no se pueden canjear por dinero en efectivo.",
        ),
        "promo-codes": (
            "Códigos promocionales y descuentos",
            "Introduce el código promocional en la cesta antes de finalizar la compra. Solo se "
            "puede usar un código por pedido y los códigos no se aplican a las tarjetas "
            "regalo.\n\n"
            "Los miembros obtienen un 10 % de descuento en su primer pedido al suscribirse a "
            "nuestro boletín.",
        ),
        "create-account": (
            "Crear una cuenta",
            "Para registrarte, elige Crear cuenta en la página Iniciar sesión e introduce tu "
            "dirección de correo electrónico y una contraseña de al menos 10 caracteres.\n\n"
            "Con una cuenta puedes seguir tus pedidos, iniciar devoluciones y guardar "
            "direcciones. También puedes comprar como invitado.",
        ),
        "reset-password": (
            "He olvidado mi contraseña",
            "Para recuperar tu cuenta, haz clic en ¿Has olvidado tu contraseña? en la página "
            "Iniciar sesión e introduce tu correo electrónico. Te enviamos un enlace para "
            "restablecerla que es válido durante 1 hora.\n\n"
            "Si el correo no llega en 10 minutos, revisa tu carpeta de spam.",
        ),
        "change-email": (
            "Cambiar tu dirección de correo electrónico",
            "Ve a Ajustes de la cuenta, elige Correo electrónico e introduce la nueva dirección. "
            "Enviamos un enlace de confirmación a la nueva dirección; el cambio se aplica cuando "
            "haces clic en él.\n\n"
            "El enlace es válido durante 24 horas. Hasta que hagas clic, seguimos escribiendo a "
            "la dirección antigua.",
        ),
        "newsletter": (
            "Suscripción al boletín",
            "Para cancelar tu suscripción al boletín, usa el enlace Darse de baja al final de "
            "cualquier boletín o desactívala en Ajustes de la cuenta, en Preferencias de "
            "comunicación.\n\n"
            "Para suscribirte, introduce tu dirección de correo electrónico al final de cualquier "
            "página de nuestra tienda. Los correos sobre tus pedidos se envían siempre.",
        ),
        "privacy-data": (
            "Eliminar tu cuenta y tus datos personales",
            "Solo conservamos tus datos para gestionar tus pedidos y tu cuenta. Puedes descargar "
            "una copia de tus datos en Ajustes de la cuenta, en Privacidad.\n\n"
            "Para que eliminemos tu cuenta y tus datos, pídeselo a nuestro equipo por el chat: "
            "una persona atiende cada solicitud de eliminación en un plazo de 30 días.",
        ),
        "order-status": (
            "Consultar el estado de un pedido",
            "La página Pedidos de tu cuenta muestra el estado de cada pedido: Recibido, En "
            "preparación, Enviado o Entregado.\n\n"
            "Los pedidos como invitado se pueden consultar con el número de pedido y el correo "
            "electrónico de tu confirmación.",
        ),
        "cancel-order": (
            "Cancelar un pedido",
            "Puedes cancelar un pedido durante la primera hora después de hacerlo desde la página "
            "del pedido, y te reembolsamos el importe completo al instante.\n\n"
            "Pasado ese tiempo, el pedido se está preparando: espera a que llegue y devuélvelo "
            "gratis.",
        ),
        "change-order": (
            "Modificar un pedido",
            "No se pueden añadir artículos a un pedido ya realizado. Durante la primera hora "
            "puedes cancelarlo y volver a pedir.\n\n"
            "Para cambiar una talla después de la entrega, solicita un cambio.",
        ),
        "missing-item": (
            "Falta un artículo en mi paquete",
            "Los pedidos grandes a veces se envían en varios paquetes: tu correo de envío indica "
            "lo que contiene cada uno.\n\n"
            "Si falta un artículo cuando ya han llegado todos los paquetes, avísanos en un plazo "
            "de 14 días y te lo enviaremos o te lo reembolsaremos.",
        ),
        "order-confirmation": (
            "No he recibido la confirmación del pedido",
            "Los correos de confirmación llegan en 15 minutos. Revisa tu carpeta de spam y la "
            "dirección de correo electrónico de tu cuenta.\n\n"
            "Si se ha cobrado en tu tarjeta pero no hay ningún pedido, no vuelvas a pedir: "
            "contáctanos indicando la fecha y el importe.",
        ),
        "size-guide": (
            "Encontrar tu talla",
            "Cada página de producto tiene una guía de tallas con medidas corporales en "
            "centímetros y pulgadas. Nuestras chaquetas tienen una talla fiel; las capas base se "
            "ajustan al cuerpo.\n\n"
            "Si estás entre dos tallas, elige la más grande para las chaquetas y la más pequeña "
            "para las capas base.\n\n"
            "Las botas y las zapatillas de trail usan tallas europeas; la guía de tallas las "
            "convierte a tallas de EE. UU. y del Reino Unido. Las botas de montaña tallan media "
            "talla pequeña, así que pide media talla más.",
        ),
        "product-care": (
            "Cuidado de las chaquetas impermeables",
            "Lava las chaquetas impermeables a 30 grados con un detergente técnico, sin "
            "suavizante. Sécalas en secadora a baja temperatura durante 20 minutos para restaurar "
            "la repelencia al agua.\n\n"
            "Vuelve a impermeabilizar la chaqueta una vez por temporada con un tratamiento en "
            "spray.",
        ),
        "warranty": (
            "Garantía",
            "Todos los productos Northwind tienen una garantía de 2 años contra defectos de "
            "fabricación; las tiendas de campaña y las mochilas tienen 5 años.\n\n"
            "La garantía no cubre el desgaste normal, los accidentes ni el mal uso. Para hacer "
            "una reclamación, envíanos una foto y tu número de pedido.",
        ),
        "repairs": (
            "Reparaciones",
            "Reparamos cremalleras, costuras y hebillas del equipo Northwind por una tarifa fija "
            "de 15 $, gratis en garantía. Las reparaciones tardan unas 3 semanas.\n\n"
            "Solicita una reparación desde la página del pedido, o por el chat si compraste en "
            "una tienda.",
        ),
        "stock-alerts": (
            "Artículos agotados",
            "Haz clic en Avisarme en la página de un producto agotado y te escribiremos cuando "
            "vuelva tu talla. La mayoría de los artículos se reponen en 4 a 6 semanas.\n\n"
            "No podemos reservar artículos agotados.",
        ),
        "sustainability": (
            "Materiales y sostenibilidad",
            "El 72 % de nuestra gama utiliza materiales reciclados u orgánicos. Nuestras "
            "membranas impermeables están libres de PFAS desde 2025.\n\n"
            "Cada página de producto indica sus materiales y la fábrica que lo fabricó.",
        ),
        "stores": (
            "Tiendas y horarios de apertura",
            "Nuestras tiendas de Portland, Denver y Burlington abren de lunes a sábado, de 10:00 "
            "a 19:00, y los domingos de 11:00 a 17:00.\n\n"
            "Los pedidos en línea se pueden devolver en cualquier tienda.",
        ),
        "click-and-collect": (
            "Recoger un pedido en tienda",
            "Elige Click and collect al finalizar la compra para recoger tu pedido gratis en "
            "nuestra tienda de Portland, Denver o Burlington. Los pedidos están listos en 2 horas "
            "si el artículo está disponible en esa tienda; si no, en 3 a 4 días hábiles.\n\n"
            "Te avisamos por correo cuando el pedido está listo; trae el correo o el número de "
            "pedido. Guardamos el pedido durante 10 días.",
        ),
        "price-drop": (
            "El precio bajó después de mi pedido",
            "Si el precio de un artículo baja en los 14 días siguientes a tu pedido, te "
            "reembolsamos la diferencia una vez. Envíanos el número de pedido por el chat.\n\n"
            "Los ajustes de precio no se aplican a artículos de liquidación ni a descuentos de "
            "códigos promocionales.",
        ),
        "customer-service-hours": (
            "Horario de atención al cliente",
            "Nuestro equipo responde en el chat de lunes a viernes, de 8:00 a 20:00, y los "
            "sábados de 9:00 a 17:00 (hora del este de EE. UU.). Fuera de ese horario responde el "
            "asistente y una persona hace el seguimiento por correo electrónico.\n\n"
            "Puedes pedir hablar con una persona en cualquier momento pulsando Hablar con una "
            "persona.",
        ),
    },
    "fr": {
        "shipping-times": (
            "Quels sont les délais de livraison ?",
            "La livraison standard prend de 3 à 5 jours ouvrés dans le pays. Les commandes "
            "passées avant 14 h un jour ouvré quittent notre entrepôt le jour même.\n\n"
            "La livraison express prend de 1 à 2 jours ouvrés. Il n'y a pas de livraison le "
            "week-end ni les jours fériés.\n\n"
            "La date de livraison prévue est indiquée lors du paiement et dans l'e-mail de "
            "confirmation d'expédition : vous savez ainsi quand votre colis arrivera.",
        ),
        "shipping-costs": (
            "Modes de livraison et frais de port",
            "Vous avez le choix entre trois modes de livraison lors du paiement. La livraison "
            "standard coûte 4,95 $ et est offerte pour les commandes de plus de 50 $ après "
            "remises. Le retrait dans l'une de nos boutiques (Click and collect) est toujours "
            "gratuit.\n\n"
            "La livraison express coûte 14,95 $ quelle que soit la commande. Les articles "
            "volumineux comme les tentes et les kayaks entraînent des frais de manutention de 10 "
            "$, indiqués lors du paiement.",
        ),
        "international-shipping": (
            "Livrez-vous à l'international ?",
            "Nous livrons dans 34 pays d'Europe, d'Amérique du Nord et d'Océanie. La livraison "
            "internationale prend de 6 à 12 jours ouvrés et coûte à partir de 19 $ selon la "
            "destination.\n\n"
            "Les droits de douane et taxes d'importation sont perçus par le pays de destination "
            "et réglés à la livraison ; nous ne pouvons pas les estimer à l'avance.",
        ),
        "tracking-an-order": (
            "Comment suivre ma commande ?",
            "Dès que votre colis quitte l'entrepôt, nous vous envoyons un lien de suivi par "
            "e-mail. Vous le trouverez aussi dans la rubrique Commandes de votre compte.\n\n"
            "Le premier scan peut mettre jusqu'à 24 heures à apparaître dans le suivi après la "
            "création de l'étiquette.",
        ),
        "delayed-parcel": (
            "Mon colis est en retard",
            "Si votre colis n'est pas arrivé 3 jours ouvrés après la date de livraison prévue, "
            "consultez d'abord le lien de suivi : les transporteurs déposent parfois les colis en "
            "point relais.\n\n"
            "Si le suivi n'a pas bougé depuis 5 jours ouvrés, contactez-nous : nous ouvrirons une "
            "enquête auprès du transporteur et vous enverrons un article de remplacement ou vous "
            "rembourserons.",
        ),
        "change-shipping-address": (
            "Modifier l'adresse de livraison",
            "Vous pouvez modifier l'adresse de livraison depuis la page de la commande dans "
            "l'heure qui suit votre achat. Passé ce délai, le colis est en préparation et "
            "l'adresse ne peut plus être modifiée.\n\n"
            "Une fois le colis expédié, vous pouvez demander au transporteur de le réacheminer "
            "depuis la page de suivi.",
        ),
        "return-policy": (
            "Notre politique de retour",
            "Vous pouvez retourner tout article non porté et non lavé dans les 30 jours suivant "
            "la livraison pour un remboursement intégral. Les articles doivent avoir leurs "
            "étiquettes.\n\n"
            "Les articles soldés peuvent être retournés sous 14 jours. Les sous-vêtements, les "
            "chaussettes et les articles personnalisés ne peuvent pas être retournés pour des "
            "raisons d'hygiène.",
        ),
        "how-to-return": (
            "Comment retourner un article",
            "Lancez un retour depuis la page Commandes de votre compte et choisissez les "
            "articles. Nous vous envoyons par e-mail une étiquette de retour prépayée : "
            "imprimez-la et déposez le colis dans n'importe quel bureau de poste.\n\n"
            "Les retours depuis le pays sont gratuits. Les retours internationaux coûtent 9,95 $, "
            "déduits de votre remboursement.",
        ),
        "refund-timing": (
            "Quand serai-je remboursé ?",
            "Les remboursements sont effectués dans les 3 jours ouvrés suivant l'arrivée de votre "
            "retour dans notre entrepôt. Votre banque peut mettre encore 5 à 10 jours ouvrés à "
            "faire apparaître l'argent.\n\n"
            "Le remboursement se fait sur le moyen de paiement d'origine. Les paiements par carte "
            "cadeau sont remboursés sous forme d'avoir.\n\n"
            "Vous pouvez suivre l'état d'un remboursement sur la page Commandes : le retour "
            "indique Reçu, puis Remboursé avec la date d'envoi de l'argent.",
        ),
        "exchanges": (
            "Échanger contre une autre taille ou couleur",
            "Pour échanger un article, lancez un retour et choisissez Échange. Nous expédions la "
            "nouvelle taille ou couleur dès que l'étiquette de retour est scannée, sans frais "
            "supplémentaires.\n\n"
            "Si l'article souhaité est en rupture de stock, nous vous remboursons à la place.",
        ),
        "damaged-item": (
            "J'ai reçu un article endommagé ou erroné",
            "Nous en sommes désolés ! Si votre colis est arrivé endommagé, ou si un article est "
            "défectueux ou ne correspond pas à votre commande, envoyez-nous une photo de "
            "l'article et de son étiquette dans les 14 jours suivant la livraison. Nous vous "
            "envoyons gratuitement un article de remplacement ou vous remboursons "
            "intégralement.\n\n"
            "Vous n'avez pas besoin de retourner un article endommagé, sauf si nous vous le "
            "demandons.",
        ),
        "payment-methods": (
            "Quels moyens de paiement acceptez-vous ?",
            "Nous acceptons Visa, Mastercard, American Express, PayPal, Apple Pay, Google Pay et "
            "les cartes cadeaux Northwind.\n\n"
            "Vous pouvez aussi payer en 3 fois sans frais avec Klarna pour les commandes de plus "
            "de 60 $.",
        ),
        "payment-declined": (
            "Mon paiement a été refusé",
            "Un paiement refusé signifie généralement que la banque de la carte l'a rejeté : "
            "vérifiez le numéro de carte, la date d'expiration et l'adresse de facturation, ou "
            "renseignez-vous auprès de votre banque.\n\n"
            "Votre panier est conservé pendant 7 jours : vous pouvez réessayer avec un autre "
            "moyen de paiement.",
        ),
        "invoices": (
            "Obtenir une facture",
            "Une facture avec TVA est jointe à l'e-mail de confirmation d'expédition. Vous pouvez "
            "la télécharger à nouveau depuis la page de la commande dans votre compte.\n\n"
            "Pour une facture au nom d'une entreprise, indiquez le nom de votre entreprise et "
            "votre numéro de TVA lors du paiement.",
        ),
        "currencies": (
            "Devises et prix",
            "Les prix sont affichés en dollars américains. Les cartes internationales sont "
            "débitées en dollars et votre banque convertit le montant.\n\n"
            "Tous les prix incluent la taxe de vente lorsqu'elle s'applique.",
        ),
        "gift-cards": (
            "Cartes cadeaux",
            "Les cartes cadeaux existent en montants de 25 $ à 500 $ et sont valables 2 ans. "
            "Elles sont envoyées par e-mail en quelques minutes.\n\n"
            "Vous pouvez vérifier le solde d'une carte cadeau lors du paiement. Les cartes "
            "cadeaux ne peuvent pas être échangées contre de l'argent.",
        ),
        "promo-codes": (
            "Codes promo et réductions",
            "Saisissez votre code promo dans le panier avant de payer. Un seul code peut être "
            "utilisé par commande et les codes ne s'appliquent pas aux cartes cadeaux.\n\n"
            "Les membres bénéficient de 10 % de réduction sur leur première commande en "
            "s'abonnant à notre newsletter.",
        ),
        "create-account": (
            "Créer un compte",
            "Pour vous inscrire, choisissez Créer un compte sur la page Connexion et saisissez "
            "votre adresse e-mail et un mot de passe d'au moins 10 caractères.\n\n"
            "Avec un compte, vous pouvez suivre vos commandes, lancer des retours et enregistrer "
            "vos adresses. Vous pouvez aussi commander en tant qu'invité.",
        ),
        "reset-password": (
            "J'ai oublié mon mot de passe",
            "Pour récupérer votre compte, cliquez sur Mot de passe oublié sur la page Connexion "
            "et saisissez votre adresse e-mail. Nous vous envoyons un lien de réinitialisation "
            "valable 1 heure.\n\n"
            "Si l'e-mail n'arrive pas dans les 10 minutes, vérifiez votre dossier de spam.",
        ),
        "change-email": (
            "Modifier votre adresse e-mail",
            "Allez dans Paramètres du compte, choisissez E-mail et saisissez la nouvelle adresse. "
            "Nous envoyons un lien de confirmation à la nouvelle adresse ; la modification prend "
            "effet dès que vous cliquez dessus.\n\n"
            "Le lien est valable 24 heures. Tant que vous n'avez pas cliqué, nous continuons "
            "d'écrire à l'ancienne adresse.",
        ),
        "newsletter": (
            "Abonnement à la newsletter",
            "Pour vous désabonner de la newsletter, utilisez le lien Se désabonner en bas de "
            "n'importe quelle newsletter, ou désactivez-la dans Paramètres du compte, rubrique "
            "Préférences de communication.\n\n"
            "Pour vous abonner, saisissez votre adresse e-mail en bas de n'importe quelle page de "
            "notre boutique. Les e-mails concernant vos commandes sont toujours envoyés.",
        ),
        "privacy-data": (
            "Supprimer votre compte et vos données personnelles",
            "Nous conservons vos données uniquement pour gérer vos commandes et votre compte. "
            "Vous pouvez télécharger une copie de vos données dans Paramètres du compte, rubrique "
            "Confidentialité.\n\n"
            "Pour faire supprimer votre compte et vos données, adressez-vous à notre équipe via "
            "le chat : une personne traite chaque demande de suppression sous 30 jours.",
        ),
        "order-status": (
            "Vérifier le statut d'une commande",
            "La page Commandes de votre compte indique le statut de chaque commande : Reçue, En "
            "préparation, Expédiée ou Livrée.\n\n"
            "Les commandes passées en tant qu'invité peuvent être vérifiées avec le numéro de "
            "commande et l'adresse e-mail figurant dans votre confirmation.",
        ),
        "cancel-order": (
            "Annuler une commande",
            "Vous pouvez annuler une commande dans l'heure qui suit depuis la page de la "
            "commande, et vous êtes remboursé intégralement immédiatement.\n\n"
            "Passé ce délai, la commande est en préparation : attendez de la recevoir et "
            "retournez-la gratuitement.",
        ),
        "change-order": (
            "Modifier une commande",
            "Il n'est pas possible d'ajouter des articles à une commande déjà passée. Dans "
            "l'heure qui suit, vous pouvez l'annuler et commander à nouveau.\n\n"
            "Pour changer de taille après la livraison, faites un échange.",
        ),
        "missing-item": (
            "Il manque un article dans mon colis",
            "Les commandes importantes sont parfois expédiées en plusieurs colis : votre e-mail "
            "d'expédition indique le contenu de chacun.\n\n"
            "S'il manque un article une fois tous les colis arrivés, prévenez-nous dans les 14 "
            "jours et nous vous l'enverrons ou vous le rembourserons.",
        ),
        "order-confirmation": (
            "Je n'ai pas reçu de confirmation de commande",
            "Les e-mails de confirmation arrivent dans les 15 minutes. Vérifiez votre dossier de "
            "spam et l'adresse e-mail de votre compte.\n\n"
            "Si votre carte a été débitée mais qu'il n'y a pas de commande, ne commandez pas à "
            "nouveau : contactez-nous en indiquant la date et le montant.",
        ),
        "size-guide": (
            "Trouver votre taille",
            "Chaque page produit propose un guide des tailles avec les mensurations en "
            "centimètres et en pouces. Nos vestes taillent normalement ; les sous-couches sont "
            "près du corps.\n\n"
            "Si vous hésitez entre deux tailles, choisissez la plus grande pour les vestes et la "
            "plus petite pour les sous-couches.\n\n"
            "Les chaussures montantes et les chaussures de trail sont en pointures européennes ; "
            "le guide des tailles les convertit en pointures américaines et britanniques. Les "
            "chaussures de randonnée taillent petit d'une demi-pointure : commandez une "
            "demi-pointure au-dessus.",
        ),
        "product-care": (
            "Entretien des vestes imperméables",
            "Lavez les vestes imperméables à 30 degrés avec une lessive technique, sans "
            "adoucissant. Passez-les au sèche-linge à basse température pendant 20 minutes pour "
            "restaurer leur déperlance.\n\n"
            "Réimperméabilisez la veste une fois par saison avec un traitement en spray.",
        ),
        "warranty": (
            "Garantie",
            "Tous les produits Northwind sont garantis 2 ans contre les défauts de fabrication ; "
            "les tentes et les sacs à dos sont garantis 5 ans.\n\n"
            "La garantie ne couvre pas l'usure normale, les accidents ni une mauvaise "
            "utilisation. Pour faire une réclamation, envoyez-nous une photo et votre numéro de "
            "commande.",
        ),
        "repairs": (
            "Réparations",
            "Nous réparons les fermetures éclair, les coutures et les boucles des équipements "
            "Northwind pour un forfait de 15 $, gratuitement sous garantie. Les réparations "
            "prennent environ 3 semaines.\n\n"
            "Demandez une réparation depuis la page de la commande, ou via le chat si vous avez "
            "acheté en boutique.",
        ),
        "stock-alerts": (
            "Articles en rupture de stock",
            "Cliquez sur M'avertir sur la page d'un produit épuisé et nous vous enverrons un "
            "e-mail dès que votre taille sera de retour. La plupart des articles sont "
            "réapprovisionnés sous 4 à 6 semaines.\n\n"
            "Nous ne pouvons pas réserver les articles en rupture de stock.",
        ),
        "sustainability": (
            "Matériaux et durabilité",
            "72 % de notre gamme utilise des matériaux recyclés ou biologiques. Nos membranes "
            "imperméables sont sans PFAS depuis 2025.\n\n"
            "Chaque page produit indique ses matériaux et l'usine qui l'a fabriqué.",
        ),
        "stores": (
            "Boutiques et horaires d'ouverture",
            "Nos boutiques de Portland, Denver et Burlington sont ouvertes du lundi au samedi de "
            "10 h à 19 h, et le dimanche de 11 h à 17 h.\n\n"
            "Les commandes en ligne peuvent être retournées dans n'importe quelle boutique.",
        ),
        "click-and-collect": (
            "Retirer une commande en boutique",
            "Choisissez Click and collect lors du paiement pour retirer gratuitement votre "
            "commande dans notre boutique de Portland, Denver ou Burlington. Les commandes sont "
            "prêtes en 2 heures si l'article est en stock dans cette boutique, sinon en 3 à 4 "
            "jours ouvrés.\n\n"
            "Nous vous envoyons un e-mail quand la commande est prête ; munissez-vous de l'e-mail "
            "ou du numéro de commande. Nous gardons la commande pendant 10 jours.",
        ),
        "price-drop": (
            "Le prix a baissé après ma commande",
            "Si le prix d'un article baisse dans les 14 jours suivant votre commande, nous vous "
            "remboursons la différence une fois. Envoyez-nous le numéro de commande via le "
            "chat.\n\n"
            "Les ajustements de prix ne s'appliquent pas aux articles de déstockage ni aux "
            "réductions obtenues avec des codes promo.",
        ),
        "customer-service-hours": (
            "Horaires du service client",
            "Notre équipe répond dans le chat du lundi au vendredi de 8 h à 20 h, et le samedi de "
            "9 h à 17 h (heure de l'Est des États-Unis). En dehors de ces horaires, l'assistant "
            "répond et une personne assure le suivi par e-mail.\n\n"
            "Vous pouvez demander à parler à une personne à tout moment en appuyant sur Parler à "
            "une personne.",
        ),
    },
    "de": {
        "shipping-times": (
            "Wie lange dauert der Versand?",
            "Der Standardversand dauert innerhalb des Landes 3 bis 5 Werktage. Bestellungen, die "
            "an einem Werktag vor 14 Uhr eingehen, verlassen unser Lager noch am selben Tag.\n\n"
            "Der Expressversand dauert 1 bis 2 Werktage. An Wochenenden und Feiertagen wird nicht "
            "zugestellt.\n\n"
            "Das voraussichtliche Lieferdatum wird an der Kasse und in Ihrer Versandbestätigung "
            "per E-Mail angezeigt, damit Sie wissen, wann Ihr Paket ankommt.",
        ),
        "shipping-costs": (
            "Versandoptionen und Versandkosten",
            "An der Kasse können Sie zwischen drei Versandoptionen wählen. Der Standardversand "
            "kostet 4,95 $ und ist bei Bestellungen über 50 $ (nach Rabatten) kostenlos. Click "
            "and collect in einem unserer Geschäfte ist immer kostenlos.\n\n"
            "Der Expressversand kostet bei jeder Bestellung 14,95 $. Für sperrige Artikel wie "
            "Zelte und Kajaks kommt eine Bearbeitungsgebühr von 10 $ hinzu, die an der Kasse "
            "angezeigt wird.",
        ),
        "international-shipping": (
            "Versenden Sie ins Ausland?",
            "Wir liefern in 34 Länder in Europa, Nordamerika und Ozeanien. Die internationale "
            "Lieferung dauert 6 bis 12 Werktage und kostet je nach Zielland ab 19 $.\n\n"
            "Einfuhrzölle und Steuern werden vom Zielland erhoben und bei der Zustellung bezahlt; "
            "wir können sie nicht im Voraus schätzen.",
        ),
        "tracking-an-order": (
            "Wie verfolge ich meine Bestellung?",
            "Sobald Ihr Paket das Lager verlässt, schicken wir Ihnen per E-Mail einen "
            "Tracking-Link. Sie finden ihn auch unter Bestellungen in Ihrem Konto.\n\n"
            "Nach der Erstellung des Versandetiketts kann es bis zu 24 Stunden dauern, bis die "
            "Sendungsverfolgung den ersten Scan anzeigt.",
        ),
        "delayed-parcel": (
            "Mein Paket ist verspätet",
            "Wenn Ihr Paket 3 Werktage nach dem voraussichtlichen Lieferdatum noch nicht "
            "angekommen ist, prüfen Sie zuerst den Tracking-Link: Zusteller geben Pakete manchmal "
            "an einer Abholstation ab.\n\n"
            "Wenn sich die Sendungsverfolgung seit 5 Werktagen nicht bewegt hat, kontaktieren Sie "
            "uns: Wir leiten beim Zusteller einen Nachforschungsauftrag ein und schicken Ihnen "
            "Ersatz oder erstatten den Betrag.",
        ),
        "change-shipping-address": (
            "Lieferadresse ändern",
            "Sie können die Lieferadresse innerhalb von 1 Stunde nach der Bestellung auf der "
            "Bestellseite ändern. Danach wird das Paket bereits gepackt und die Adresse kann "
            "nicht mehr geändert werden.\n\n"
            "Nach dem Versand können Sie den Zusteller über die Tracking-Seite bitten, das Paket "
            "umzuleiten.",
        ),
        "return-policy": (
            "Unsere Rückgaberichtlinie",
            "Sie können jeden ungetragenen, ungewaschenen Artikel innerhalb von 30 Tagen nach der "
            "Lieferung gegen volle Erstattung zurückgeben. Die Etiketten müssen noch am Artikel "
            "sein.\n\n"
            "Reduzierte Artikel können innerhalb von 14 Tagen zurückgegeben werden. Unterwäsche, "
            "Socken und personalisierte Artikel sind aus hygienischen Gründen von der Rückgabe "
            "ausgeschlossen.",
        ),
        "how-to-return": (
            "So senden Sie einen Artikel zurück",
            "Starten Sie eine Rücksendung auf der Seite Bestellungen in Ihrem Konto und wählen "
            "Sie die Artikel aus. Wir schicken Ihnen per E-Mail ein frankiertes Rücksendeetikett; "
            "drucken Sie es aus und geben Sie das Paket in einer beliebigen Postfiliale ab.\n\n"
            "Rücksendungen innerhalb des Landes sind kostenlos. Internationale Rücksendungen "
            "kosten 9,95 $, die von Ihrer Erstattung abgezogen werden.",
        ),
        "refund-timing": (
            "Wann erhalte ich meine Erstattung?",
            "Erstattungen werden innerhalb von 3 Werktagen veranlasst, nachdem Ihre Rücksendung "
            "in unserem Lager eingetroffen ist. Ihre Bank kann weitere 5 bis 10 Werktage "
            "brauchen, bis das Geld sichtbar ist.\n\n"
            "Die Erstattung erfolgt auf die ursprüngliche Zahlungsart. Zahlungen mit "
            "Geschenkkarte werden als Guthaben erstattet.\n\n"
            "Den Stand einer Erstattung können Sie auf der Seite Bestellungen verfolgen: Die "
            "Rücksendung zeigt Eingegangen, dann Erstattet mit dem Datum, an dem das Geld "
            "überwiesen wurde.",
        ),
        "exchanges": (
            "Umtausch in eine andere Größe oder Farbe",
            "Um einen Artikel umzutauschen, starten Sie eine Rücksendung und wählen Sie Umtausch. "
            "Wir verschicken die neue Größe oder Farbe ohne Zusatzkosten, sobald das "
            "Rücksendeetikett gescannt wurde.\n\n"
            "Ist der gewünschte Artikel nicht vorrätig, erstatten wir Ihnen stattdessen den "
            "Betrag.",
        ),
        "damaged-item": (
            "Ich habe einen beschädigten oder falschen Artikel erhalten",
            "Das tut uns leid! Wenn Ihr Paket beschädigt angekommen ist oder ein Artikel "
            "fehlerhaft ist oder nicht Ihrer Bestellung entspricht, schicken Sie uns innerhalb "
            "von 14 Tagen nach der Lieferung ein Foto des Artikels und seines Etiketts. Wir "
            "senden Ihnen kostenlos Ersatz oder erstatten den vollen Betrag.\n\n"
            "Einen beschädigten Artikel müssen Sie nur zurückschicken, wenn wir Sie darum bitten.",
        ),
        "payment-methods": (
            "Welche Zahlungsarten akzeptieren Sie?",
            "Wir akzeptieren Visa, Mastercard, American Express, PayPal, Apple Pay, Google Pay "
            "und Northwind-Geschenkkarten.\n\n"
            "Bei Bestellungen über 60 $ können Sie mit Klarna auch in 3 zinsfreien Raten zahlen.",
        ),
        "payment-declined": (
            "Meine Zahlung wurde abgelehnt",
            "Eine abgelehnte Zahlung bedeutet meist, dass die Bank der Karte sie verweigert hat: "
            "Prüfen Sie Kartennummer, Ablaufdatum und Rechnungsadresse oder fragen Sie Ihre "
            "Bank.\n\n"
            "Ihr Warenkorb bleibt 7 Tage lang gespeichert, sodass Sie es mit einer anderen "
            "Zahlungsart erneut versuchen können.",
        ),
        "invoices": (
            "Eine Rechnung erhalten",
            "Eine Rechnung mit ausgewiesener Mehrwertsteuer ist Ihrer Versandbestätigung per "
            "E-Mail beigefügt. Sie können sie auf der Bestellseite in Ihrem Konto erneut "
            "herunterladen.\n\n"
            "Für eine Firmenrechnung geben Sie an der Kasse Ihren Firmennamen und Ihre USt-IdNr. "
            "an.",
        ),
        "currencies": (
            "Währungen und Preise",
            "Die Preise werden in US-Dollar angezeigt. Internationale Karten werden in Dollar "
            "belastet und Ihre Bank rechnet den Betrag um.\n\n"
            "Alle Preise enthalten die Umsatzsteuer, sofern sie anfällt.",
        ),
        "gift-cards": (
            "Geschenkkarten",
            "Geschenkkarten gibt es mit Beträgen von 25 $ bis 500 $; sie sind 2 Jahre gültig. Sie "
            "werden innerhalb weniger Minuten per E-Mail verschickt.\n\n"
            "Das Guthaben einer Geschenkkarte können Sie an der Kasse prüfen. Geschenkkarten "
            "können nicht in Bargeld umgetauscht werden.",
        ),
        "promo-codes": (
            "Gutscheincodes und Rabatte",
            "Geben Sie einen Gutscheincode vor dem Bezahlen im Warenkorb ein. Pro Bestellung kann "
            "nur ein Code verwendet werden, und Codes gelten nicht für Geschenkkarten.\n\n"
            "Mitglieder erhalten 10 % Rabatt auf ihre erste Bestellung, wenn sie unseren "
            "Newsletter abonnieren.",
        ),
        "create-account": (
            "Ein Konto erstellen",
            "Um sich zu registrieren, wählen Sie auf der Seite Anmelden die Option Konto "
            "erstellen und geben Ihre E-Mail-Adresse und ein Passwort mit mindestens 10 Zeichen "
            "ein.\n\n"
            "Mit einem Konto können Sie Bestellungen verfolgen, Rücksendungen starten und "
            "Adressen speichern. Sie können auch als Gast bestellen.",
        ),
        "reset-password": (
            "Ich habe mein Passwort vergessen",
            "Um wieder Zugang zu Ihrem Konto zu erhalten, klicken Sie auf der Seite Anmelden auf "
            "Passwort vergessen und geben Ihre E-Mail-Adresse ein. Wir schicken Ihnen einen Link "
            "zum Zurücksetzen, der 1 Stunde gültig ist.\n\n"
            "Wenn die E-Mail nicht innerhalb von 10 Minuten ankommt, sehen Sie in Ihrem "
            "Spam-Ordner nach.",
        ),
        "change-email": (
            "E-Mail-Adresse ändern",
            "Gehen Sie zu den Kontoeinstellungen, wählen Sie E-Mail und geben Sie die neue "
            "Adresse ein. Wir senden einen Bestätigungslink an die neue Adresse; die Änderung "
            "wird wirksam, sobald Sie darauf klicken.\n\n"
            "Der Link ist 24 Stunden gültig. Bis Sie darauf klicken, schreiben wir weiterhin an "
            "die alte Adresse.",
        ),
        "newsletter": (
            "Newsletter-Abonnement",
            "Um den Newsletter abzubestellen, nutzen Sie den Link Abmelden am Ende jedes "
            "Newsletters oder schalten Sie ihn in den Kontoeinstellungen unter "
            "Kommunikationseinstellungen aus.\n\n"
            "Zum Abonnieren geben Sie Ihre E-Mail-Adresse unten auf einer beliebigen Seite "
            "unseres Shops ein. E-Mails zu Ihren Bestellungen werden immer verschickt.",
        ),
        "privacy-data": (
            "Konto und persönliche Daten löschen",
            "Wir speichern Ihre Daten nur, um Ihre Bestellungen und Ihr Konto zu führen. Eine "
            "Kopie Ihrer Daten können Sie in den Kontoeinstellungen unter Datenschutz "
            "herunterladen.\n\n"
            "Wenn Sie Ihr Konto und Ihre Daten löschen lassen möchten, wenden Sie sich über den "
            "Chat an unser Team: Jede Löschanfrage wird innerhalb von 30 Tagen von einer Person "
            "bearbeitet.",
        ),
        "order-status": (
            "Den Status einer Bestellung prüfen",
            "Die Seite Bestellungen in Ihrem Konto zeigt den Status jeder Bestellung: "
            "Eingegangen, Wird verpackt, Versandt oder Zugestellt.\n\n"
            "Gastbestellungen können Sie mit der Bestellnummer und der E-Mail-Adresse aus Ihrer "
            "Bestätigung prüfen.",
        ),
        "cancel-order": (
            "Eine Bestellung stornieren",
            "Sie können eine Bestellung innerhalb von 1 Stunde nach der Bestellung auf der "
            "Bestellseite stornieren und erhalten sofort den vollen Betrag zurück.\n\n"
            "Danach wird die Bestellung bereits verpackt: Warten Sie, bis sie ankommt, und senden "
            "Sie sie kostenlos zurück.",
        ),
        "change-order": (
            "Eine Bestellung ändern",
            "Zu einer bereits aufgegebenen Bestellung können keine Artikel hinzugefügt werden. "
            "Innerhalb von 1 Stunde können Sie sie stornieren und neu bestellen.\n\n"
            "Um nach der Lieferung die Größe zu ändern, nutzen Sie einen Umtausch.",
        ),
        "missing-item": (
            "In meinem Paket fehlt ein Artikel",
            "Große Bestellungen werden manchmal in mehreren Paketen verschickt: Ihre "
            "Versand-E-Mail listet auf, was in jedem Paket ist.\n\n"
            "Wenn ein Artikel fehlt, nachdem alle Pakete angekommen sind, melden Sie sich "
            "innerhalb von 14 Tagen bei uns; wir schicken ihn nach oder erstatten ihn.",
        ),
        "order-confirmation": (
            "Ich habe keine Bestellbestätigung erhalten",
            "Bestätigungs-E-Mails kommen innerhalb von 15 Minuten an. Sehen Sie in Ihrem "
            "Spam-Ordner nach und prüfen Sie die E-Mail-Adresse in Ihrem Konto.\n\n"
            "Wenn Ihre Karte belastet wurde, aber keine Bestellung vorliegt, bestellen Sie nicht "
            "noch einmal: Kontaktieren Sie uns mit Datum und Betrag.",
        ),
        "size-guide": (
            "Die richtige Größe finden",
            "Jede Produktseite hat eine Größentabelle mit Körpermaßen in Zentimetern und Zoll. "
            "Unsere Jacken fallen normal aus; Baselayer sitzen eng am Körper.\n\n"
            "Wenn Sie zwischen zwei Größen liegen, wählen Sie bei Jacken die größere und bei "
            "Baselayern die kleinere.\n\n"
            "Stiefel und Trailschuhe haben EU-Größen; die Größentabelle rechnet sie in US- und "
            "UK-Größen um. Wanderschuhe fallen eine halbe Nummer kleiner aus, bestellen Sie also "
            "eine halbe Nummer größer.",
        ),
        "product-care": (
            "Pflege von wasserdichten Jacken",
            "Waschen Sie wasserdichte Jacken bei 30 Grad mit einem Funktionswaschmittel und ohne "
            "Weichspüler. Trocknen Sie sie 20 Minuten bei niedriger Temperatur im Trockner, um "
            "die wasserabweisende Wirkung wiederherzustellen.\n\n"
            "Imprägnieren Sie die Jacke einmal pro Saison mit einem Sprühimprägniermittel.",
        ),
        "warranty": (
            "Garantie",
            "Alle Northwind-Produkte haben 2 Jahre Garantie auf Herstellungsfehler; für Zelte und "
            "Rucksäcke gelten 5 Jahre.\n\n"
            "Die Garantie deckt keine normale Abnutzung, Unfälle oder unsachgemäßen Gebrauch ab. "
            "Um einen Garantiefall zu melden, senden Sie uns ein Foto und Ihre Bestellnummer.",
        ),
        "repairs": (
            "Reparaturen",
            "Wir reparieren Reißverschlüsse, Nähte und Schnallen an Northwind-Ausrüstung zum "
            "Pauschalpreis von 15 $, im Garantiefall kostenlos. Reparaturen dauern etwa 3 "
            "Wochen.\n\n"
            "Starten Sie eine Reparatur auf der Bestellseite oder über den Chat, wenn Sie in "
            "einem Geschäft gekauft haben.",
        ),
        "stock-alerts": (
            "Ausverkaufte Artikel",
            "Klicken Sie auf der Seite eines ausverkauften Produkts auf Benachrichtigen, und wir "
            "schicken Ihnen eine E-Mail, sobald Ihre Größe wieder da ist. Die meisten Artikel "
            "sind innerhalb von 4 bis 6 Wochen wieder vorrätig.\n\n"
            "Ausverkaufte Artikel können wir nicht reservieren.",
        ),
        "sustainability": (
            "Materialien und Nachhaltigkeit",
            "72 % unseres Sortiments bestehen aus recycelten oder biologischen Materialien. "
            "Unsere wasserdichten Membranen sind seit 2025 PFAS-frei.\n\n"
            "Jede Produktseite nennt die Materialien und die Fabrik, in der das Produkt "
            "hergestellt wurde.",
        ),
        "stores": (
            "Geschäfte und Öffnungszeiten",
            "Unsere Geschäfte in Portland, Denver und Burlington sind montags bis samstags von 10 "
            "bis 19 Uhr und sonntags von 11 bis 17 Uhr geöffnet.\n\n"
            "Online-Bestellungen können in jedem Geschäft zurückgegeben werden.",
        ),
        "click-and-collect": (
            "Eine Bestellung im Geschäft abholen",
            "Wählen Sie an der Kasse Click and collect, um Ihre Bestellung kostenlos in unserem "
            "Geschäft in Portland, Denver oder Burlington abzuholen. Ist der Artikel in diesem "
            "Geschäft vorrätig, liegt die Bestellung nach 2 Stunden bereit, sonst nach 3 bis 4 "
            "Werktagen.\n\n"
            "Wir benachrichtigen Sie per E-Mail, sobald die Bestellung bereitliegt; bringen Sie "
            "die E-Mail oder die Bestellnummer mit. Wir bewahren die Bestellung 10 Tage lang auf.",
        ),
        "price-drop": (
            "Der Preis ist nach meiner Bestellung gesunken",
            "Sinkt der Preis eines Artikels innerhalb von 14 Tagen nach Ihrer Bestellung, "
            "erstatten wir Ihnen einmalig die Differenz. Schicken Sie uns die Bestellnummer über "
            "den Chat.\n\n"
            "Preisanpassungen gelten nicht für Abverkaufsartikel und nicht für Rabatte durch "
            "Gutscheincodes.",
        ),
        "customer-service-hours": (
            "Öffnungszeiten des Kundenservice",
            "Unser Team antwortet im Chat montags bis freitags von 8 bis 20 Uhr und samstags von "
            "9 bis 17 Uhr (US-Ostküstenzeit). Außerhalb dieser Zeiten antwortet der Assistent, "
            "und eine Person meldet sich anschließend per E-Mail.\n\n"
            "Sie können jederzeit mit einer Person sprechen, indem Sie auf Mit einer Person "
            "sprechen tippen.",
        ),
    },
    "pt": {
        "shipping-times": (
            "Quanto tempo demora a entrega?",
            "O frete padrão leva de 3 a 5 dias úteis dentro do país. Pedidos feitos antes das 14h "
            "em um dia útil saem do nosso armazém no mesmo dia.\n\n"
            "O frete expresso leva de 1 a 2 dias úteis. Não há entregas nos fins de semana nem em "
            "feriados.\n\n"
            "A data prevista de entrega aparece na finalização da compra e no e-mail de "
            "confirmação de envio, para que você saiba quando sua encomenda vai chegar.",
        ),
        "shipping-costs": (
            "Opções de entrega e custos de frete",
            "Na finalização da compra, você pode escolher entre três opções de entrega. O frete "
            "padrão custa US$ 4,95 e é grátis em pedidos acima de US$ 50 após descontos. A "
            "retirada em uma de nossas lojas (Click and collect) é sempre gratuita.\n\n"
            "O frete expresso custa US$ 14,95 em qualquer pedido. Itens volumosos, como barracas "
            "e caiaques, têm uma taxa de manuseio de US$ 10, mostrada na finalização da compra.",
        ),
        "international-shipping": (
            "Vocês fazem entregas internacionais?",
            "Entregamos em 34 países da Europa, América do Norte e Oceania. A entrega "
            "internacional leva de 6 a 12 dias úteis e custa a partir de US$ 19, dependendo do "
            "destino.\n\n"
            "Impostos e taxas de importação são cobrados pelo país de destino e pagos na entrega; "
            "não conseguimos estimá-los com antecedência.",
        ),
        "tracking-an-order": (
            "Como rastrear meu pedido?",
            "Assim que sua encomenda sai do armazém, enviamos por e-mail um link de rastreamento. "
            "Você também o encontra em Pedidos, na sua conta.\n\n"
            "O rastreamento pode levar até 24 horas para mostrar a primeira leitura depois que a "
            "etiqueta é criada.",
        ),
        "delayed-parcel": (
            "Minha encomenda está atrasada",
            "Se sua encomenda não chegou 3 dias úteis após a data prevista de entrega, verifique "
            "primeiro o link de rastreamento: às vezes as transportadoras deixam as encomendas em "
            "um ponto de retirada.\n\n"
            "Se o rastreamento não muda há 5 dias úteis, fale conosco: abriremos uma investigação "
            "com a transportadora e enviaremos um substituto ou faremos o reembolso.",
        ),
        "change-shipping-address": (
            "Alterar o endereço de entrega",
            "Você pode alterar o endereço de entrega na página do pedido em até 1 hora após a "
            "compra. Depois disso, a encomenda já está sendo embalada e o endereço não pode mais "
            "ser alterado.\n\n"
            "Depois do envio, você pode pedir à transportadora que redirecione a encomenda pela "
            "página de rastreamento.",
        ),
        "return-policy": (
            "Nossa política de devolução",
            "Você pode devolver qualquer item sem uso e sem lavagem em até 30 dias após a entrega "
            "e receber o reembolso integral. Os itens devem estar com as etiquetas.\n\n"
            "Itens em promoção podem ser devolvidos em até 14 dias. Roupas íntimas, meias e itens "
            "personalizados não podem ser devolvidos por motivos de higiene.",
        ),
        "how-to-return": (
            "Como devolver um item",
            "Inicie uma devolução na página Pedidos da sua conta e escolha os itens. Enviamos por "
            "e-mail uma etiqueta de devolução pré-paga; imprima-a e deixe a encomenda em qualquer "
            "agência dos correios.\n\n"
            "Devoluções dentro do país são gratuitas. Devoluções internacionais custam US$ 9,95, "
            "descontados do seu reembolso.",
        ),
        "refund-timing": (
            "Quando vou receber meu reembolso?",
            "Os reembolsos são feitos em até 3 dias úteis após sua devolução chegar ao nosso "
            "armazém. Seu banco pode levar mais 5 a 10 dias úteis para mostrar o dinheiro.\n\n"
            "O reembolso volta para a forma de pagamento original. Pagamentos com cartão-presente "
            "são reembolsados como crédito na loja.\n\n"
            "Você pode acompanhar o status de um reembolso na página Pedidos: a devolução aparece "
            "como Recebida e depois como Reembolsada, com a data em que o dinheiro foi enviado.",
        ),
        "exchanges": (
            "Trocar por outro tamanho ou cor",
            "Para trocar um item, inicie uma devolução e escolha Troca. Enviamos o novo tamanho "
            "ou a nova cor assim que a etiqueta de devolução é lida, sem custo adicional.\n\n"
            "Se o item que você quer estiver esgotado, fazemos o reembolso.",
        ),
        "damaged-item": (
            "Recebi um item danificado ou errado",
            "Sentimos muito! Se sua encomenda chegou danificada, ou se um item está com defeito "
            "ou não é o que você pediu, envie-nos uma foto do item e da etiqueta em até 14 dias "
            "após a entrega. Enviamos um substituto sem custo ou fazemos o reembolso integral.\n\n"
            "Você não precisa devolver um item danificado, a menos que a gente peça.",
        ),
        "payment-methods": (
            "Quais formas de pagamento vocês aceitam?",
            "Aceitamos Visa, Mastercard, American Express, PayPal, Apple Pay, Google Pay e "
            "cartões-presente Northwind.\n\n"
            "Você também pode pagar em 3 parcelas sem juros com a Klarna em pedidos acima de US$ "
            "60.",
        ),
        "payment-declined": (
            "Meu pagamento foi recusado",
            "Um pagamento recusado geralmente significa que o banco do cartão o negou: confira o "
            "número do cartão, a data de validade e o endereço de cobrança, ou fale com seu "
            "banco.\n\n"
            "Seu carrinho fica guardado por 7 dias, então você pode tentar de novo com outra "
            "forma de pagamento.",
        ),
        "invoices": (
            "Como obter uma fatura",
            "Uma fatura com IVA vai anexada ao e-mail de confirmação de envio. Você pode baixá-la "
            "novamente na página do pedido, na sua conta.\n\n"
            "Para uma fatura em nome de empresa, informe o nome da empresa e o número de "
            "identificação fiscal (IVA) na finalização da compra.",
        ),
        "currencies": (
            "Moedas e preços",
            "Os preços são exibidos em dólares americanos. Cartões internacionais são cobrados em "
            "dólares e seu banco converte o valor.\n\n"
            "Todos os preços incluem o imposto sobre vendas, quando aplicável.",
        ),
        "gift-cards": (
            "Cartões-presente",
            "Os cartões-presente têm valores de US$ 25 a US$ 500 e são válidos por 2 anos. Eles "
            "são enviados por e-mail em poucos minutos.\n\n"
            "Você pode consultar o saldo de um cartão-presente na finalização da compra. "
            "Cartões-presente não podem ser trocados por dinheiro.",
        ),
        "promo-codes": (
            "Cupons e descontos",
            "Digite o cupom de desconto no carrinho antes de finalizar a compra. Só é possível "
            "usar um cupom por pedido, e os cupons não valem para cartões-presente.\n\n"
            "Membros ganham 10% de desconto no primeiro pedido ao assinar nossa newsletter.",
        ),
        "create-account": (
            "Criar uma conta",
            "Para se cadastrar, escolha Criar conta na página Entrar e informe seu endereço de "
            "e-mail e uma senha de pelo menos 10 caracteres.\n\n"
            "Com uma conta você pode acompanhar pedidos, iniciar devoluções e salvar endereços. "
            "Você também pode comprar como visitante.",
        ),
        "reset-password": (
            "Esqueci minha senha",
            "Para recuperar sua conta, clique em Esqueci minha senha na página Entrar e informe "
            "seu e-mail. Enviamos um link de redefinição válido por 1 hora.\n\n"
            "Se o e-mail não chegar em 10 minutos, verifique sua pasta de spam.",
        ),
        "change-email": (
            "Alterar seu endereço de e-mail",
            "Vá em Configurações da conta, escolha E-mail e informe o novo endereço. Enviamos um "
            "link de confirmação para o novo endereço; a alteração vale assim que você clicar "
            "nele.\n\n"
            "O link é válido por 24 horas. Até você clicar, continuamos escrevendo para o "
            "endereço antigo.",
        ),
        "newsletter": (
            "Assinatura da newsletter",
            "Para cancelar a assinatura da newsletter, use o link Cancelar inscrição no final de "
            "qualquer newsletter ou desative-a em Configurações da conta, em Preferências de "
            "comunicação.\n\n"
            "Para assinar, informe seu endereço de e-mail no rodapé de qualquer página da nossa "
            "loja. E-mails sobre seus pedidos são sempre enviados.",
        ),
        "privacy-data": (
            "Excluir sua conta e seus dados pessoais",
            "Guardamos seus dados apenas para processar seus pedidos e manter sua conta. Você "
            "pode baixar uma cópia dos seus dados em Configurações da conta, em Privacidade.\n\n"
            "Para excluir sua conta e seus dados, peça à nossa equipe pelo chat: uma pessoa "
            "atende cada pedido de exclusão em até 30 dias.",
        ),
        "order-status": (
            "Consultar o status de um pedido",
            "A página Pedidos da sua conta mostra o status de cada pedido: Recebido, Em "
            "separação, Enviado ou Entregue.\n\n"
            "Pedidos feitos como visitante podem ser consultados com o número do pedido e o "
            "e-mail da sua confirmação.",
        ),
        "cancel-order": (
            "Cancelar um pedido",
            "Você pode cancelar um pedido em até 1 hora após fazê-lo, na página do pedido, e "
            "recebe o reembolso integral na hora.\n\n"
            "Depois disso, o pedido já está sendo embalado: espere que ele chegue e devolva-o "
            "gratuitamente.",
        ),
        "change-order": (
            "Alterar um pedido",
            "Não é possível adicionar itens a um pedido já feito. Em até 1 hora, você pode "
            "cancelá-lo e fazer um novo pedido.\n\n"
            "Para trocar o tamanho depois da entrega, faça uma troca.",
        ),
        "missing-item": (
            "Está faltando um item na minha encomenda",
            "Pedidos grandes às vezes são enviados em várias encomendas: seu e-mail de envio "
            "lista o que há em cada uma.\n\n"
            "Se estiver faltando um item depois que todas as encomendas chegarem, avise-nos em "
            "até 14 dias e nós o enviaremos ou faremos o reembolso.",
        ),
        "order-confirmation": (
            "Não recebi a confirmação do pedido",
            "Os e-mails de confirmação chegam em até 15 minutos. Verifique sua pasta de spam e o "
            "endereço de e-mail da sua conta.\n\n"
            "Se o valor foi cobrado no seu cartão, mas não há pedido, não faça outro pedido: fale "
            "conosco informando a data e o valor.",
        ),
        "size-guide": (
            "Como encontrar seu tamanho",
            "Toda página de produto tem um guia de tamanhos com medidas do corpo em centímetros e "
            "polegadas. Nossas jaquetas vestem no tamanho certo; as primeiras camadas ficam "
            "justas ao corpo.\n\n"
            "Se você estiver entre dois tamanhos, escolha o maior para jaquetas e o menor para "
            "primeiras camadas.\n\n"
            "Botas e tênis de trilha usam numeração europeia; o guia de tamanhos converte para a "
            "numeração dos EUA e do Reino Unido. As botas de caminhada são meio número menores, "
            "então peça meio número acima.",
        ),
        "product-care": (
            "Cuidados com jaquetas impermeáveis",
            "Lave jaquetas impermeáveis a 30 graus com sabão técnico, sem amaciante. Seque na "
            "secadora em temperatura baixa por 20 minutos para restaurar a repelência à água.\n\n"
            "Reaplique a impermeabilização da jaqueta uma vez por estação com um tratamento em "
            "spray.",
        ),
        "warranty": (
            "Garantia",
            "Todos os produtos Northwind têm garantia de 2 anos contra defeitos de fabricação; "
            "barracas e mochilas têm 5 anos.\n\n"
            "A garantia não cobre desgaste normal, acidentes ou mau uso. Para fazer uma "
            "solicitação, envie-nos uma foto e o número do seu pedido.",
        ),
        "repairs": (
            "Consertos",
            "Consertamos zíperes, costuras e fivelas de equipamentos Northwind por um valor fixo "
            "de US$ 15, grátis na garantia. Os consertos levam cerca de 3 semanas.\n\n"
            "Solicite um conserto na página do pedido ou pelo chat, se você comprou em uma loja.",
        ),
        "stock-alerts": (
            "Itens esgotados",
            "Clique em Avise-me na página de um produto esgotado e enviaremos um e-mail quando "
            "seu tamanho voltar. A maioria dos itens é reposta em 4 a 6 semanas.\n\n"
            "Não conseguimos reservar itens esgotados.",
        ),
        "sustainability": (
            "Materiais e sustentabilidade",
            "72% da nossa linha usa materiais reciclados ou orgânicos. Nossas membranas "
            "impermeáveis são livres de PFAS desde 2025.\n\n"
            "Cada página de produto lista os materiais e a fábrica que o produziu.",
        ),
        "stores": (
            "Lojas e horário de funcionamento",
            "Nossas lojas em Portland, Denver e Burlington abrem de segunda a sábado, das 10h às "
            "19h, e aos domingos, das 11h às 17h.\n\n"
            "Pedidos on-line podem ser devolvidos em qualquer loja.",
        ),
        "click-and-collect": (
            "Retirar um pedido na loja",
            "Escolha Click and collect na finalização da compra para retirar seu pedido "
            "gratuitamente em nossa loja de Portland, Denver ou Burlington. Os pedidos ficam "
            "prontos em 2 horas quando o item está em estoque nessa loja; caso contrário, em 3 a "
            "4 dias úteis.\n\n"
            "Avisamos por e-mail quando o pedido estiver pronto; leve o e-mail ou o número do "
            "pedido. Guardamos o pedido por 10 dias.",
        ),
        "price-drop": (
            "O preço baixou depois que fiz o pedido",
            "Se o preço de um item cair em até 14 dias após o seu pedido, reembolsamos a "
            "diferença uma vez. Envie-nos o número do pedido pelo chat.\n\n"
            "Ajustes de preço não se aplicam a itens de liquidação nem a descontos de cupons.",
        ),
        "customer-service-hours": (
            "Horário de atendimento ao cliente",
            "Nossa equipe responde no chat de segunda a sexta, das 8h às 20h, e aos sábados, das "
            "9h às 17h (horário da costa leste dos EUA). Fora desse horário, o assistente "
            "responde e uma pessoa dá continuidade por e-mail.\n\n"
            "Você pode pedir para falar com uma pessoa a qualquer momento tocando em Falar com "
            "uma pessoa.",
        ),
    },
}
